package dev.preflight.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Errors#describe} says what failed in words, and every place in {@code src/main} that
 * shows or records a caught exception goes through it: a Java class name ("ConnectException",
 * "dev.preflight.core.PreflightException", "(NoSuchFileException)") is never what a user reads.
 */
class ErrorsTest {
    /** What a class name looks like in a message. */
    static final Pattern CLASS_NAME = Pattern.compile(
            "\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b|\\b(java|javax|dev\\.preflight|com\\.fasterxml|org\\.[a-z]+)\\.[a-z]+\\.");

    record Shape(List<Item> items) {
    }

    record Item(String name) {
    }

    @Test
    void describesInWordsNamingTheThing() throws Exception {
        assertThat(Errors.describe(new NoSuchFileException("/srv/x.zip"))).isEqualTo("/srv/x.zip: no such file or directory");
        assertThat(Errors.describe(new AccessDeniedException("/etc/shadow"))).isEqualTo("/etc/shadow: permission denied");
        assertThat(Errors.describe(new FileSystemException("/backups/a.gz", null, "No space left on device")))
                .isEqualTo("/backups/a.gz: no space left on device");
        assertThat(Errors.describe(new ConnectException())).isEqualTo("connection refused");
        assertThat(Errors.describe(new ConnectException("Connection refused"))).isEqualTo("connection refused");
        assertThat(Errors.describe(new IOException(new ConnectException("Connection refused")))).isEqualTo("connection refused");
        assertThat(Errors.describe(new UncheckedIOException(new NoSuchFileException("/a")))).isEqualTo("/a: no such file or directory");
        assertThat(Errors.describe(new UnknownHostException("nope.invalid: Name or service not known")))
                .isEqualTo("unknown host nope.invalid");
        assertThat(Errors.describe(new PreflightException(ExitCode.USAGE, "the plan is wrong"))).isEqualTo("the plan is wrong");
        assertThat(Errors.describe(new NullPointerException())).isEqualTo("an error without further detail");
        assertThat(Errors.describe(new RuntimeException("java.io.IOException: disk on fire"))).isEqualTo("disk on fire");
        String json = Errors.describe(catching(() -> Json.mapper().readValue("{\"items\": {\"name\": 1}}", Shape.class)));
        assertThat(json).isEqualTo("the JSON at items is not a list (line 1, column 11)");
        String syntax = Errors.describe(catching(() -> Json.mapper().readValue("{\"items\": [x", Shape.class)));
        assertThat(syntax).startsWith("not valid JSON: Unrecognized token 'x'").endsWith("(line 1, column 13)");
        String cut = Errors.describe(catching(() -> Json.mapper().readValue("{\"items\": [", Shape.class)));
        assertThat(cut).startsWith("the JSON ends early");
        for (String s : List.of(json, syntax, cut)) {
            assertThat(CLASS_NAME.matcher(s).find()).as(s).isFalse();
        }
    }

    private static Exception catching(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected an exception");
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Exceptions whose messages Preflight writes itself (a sentence for users): showing them is
     * fine. Everything else caught and shown must go through {@link Errors#describe}.
     */
    static final Set<String> OWN_MESSAGES = Set.of("PreflightException", "PlanException", "GateException",
            "ParseException", "LockTimeoutException", "JsonProblem", "CompileException", "SyntaxException",
            "DotenvException", "ConstraintException", "InvalidRdbException", "ChangedException", "LoadBalancerException",
            "InvalidVersionException", "IllegalArgumentException", "Damaged", "CelValidationException", "CelEvaluationException",
            "Unreadable");

    private static final Pattern CATCH = Pattern.compile("catch\\s*\\(\\s*(?:final\\s+)?([\\w.|\\s]+?)\\s+(\\w+)\\s*\\)\\s*\\{");

    @Test
    void everyCatchThatShowsAnExceptionDescribesItInWords() throws IOException {
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String src = Files.readString(f);
                Matcher m = CATCH.matcher(src);
                while (m.find()) {
                    String types = m.group(1);
                    String name = m.group(2);
                    String body = body(src, m.end() - 1);
                    boolean own = Stream.of(types.split("\\|")).map(String::strip)
                            .map(t -> t.substring(t.lastIndexOf('.') + 1)).allMatch(OWN_MESSAGES::contains);
                    List<Pattern> bad = new ArrayList<>(List.of(
                            Pattern.compile("\\b" + name + "\\s*\\.\\s*getClass\\s*\\("),
                            Pattern.compile("\\b" + name + "\\s*\\.\\s*toString\\s*\\("),
                            Pattern.compile("String\\.valueOf\\(\\s*" + name + "\\s*\\)"),
                            Pattern.compile("\\+\\s*" + name + "\\b(?!\\s*[.(\\[])"),
                            Pattern.compile("\\b" + name + "\\s*\\+\\s*\"")));
                    if (!own) {
                        bad.add(Pattern.compile("\\b" + name + "\\s*\\.\\s*get(Localized)?Message\\s*\\("));
                        bad.add(Pattern.compile("\\b" + name + "\\s*\\.\\s*getOriginalMessage\\s*\\("));
                    }
                    for (Pattern p : bad) {
                        Matcher b = p.matcher(body);
                        while (b.find()) {
                            int line = src.substring(0, m.end() + b.start()).split("\n", -1).length;
                            offences.add(f + ":" + line + ": catch (" + types.strip() + " " + name + ") shows it with '"
                                    + b.group().strip() + "'");
                        }
                    }
                }
            }
        }
        assertThat(offences).as("use Errors.describe(e) where a caught exception is shown or recorded").isEmpty();
    }

    /** The block starting at {@code open} (a '{'), strings and comments skipped. */
    private static String body(String src, int open) {
        int depth = 0;
        for (int i = open; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '"' || c == '\'') {
                if (src.startsWith("\"\"\"", i)) {
                    i = src.indexOf("\"\"\"", i + 3) + 2;
                    continue;
                }
                for (i++; i < src.length() && src.charAt(i) != c; i++) {
                    if (src.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (src.startsWith("//", i)) {
                i = src.indexOf('\n', i);
            } else if (src.startsWith("/*", i)) {
                i = src.indexOf("*/", i) + 1;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return src.substring(open, i + 1);
            }
        }
        return src.substring(open);
    }
}
