package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Hashing;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The regression corpus of issue #16: every hostile or unlucky input in
 * {@code src/test/resources/hostile/cases.txt} gives its exit code and its message at its
 * position, quickly, with no stack trace, no Java class name, no secret value, and no file changed.
 */
class HostileInputTest {
    static final String ACC_SECRET = "hunter2-Sup3rS3cret";
    static final String JIRA_TOKEN = "jira-tok-8c1f2e77";
    static final String FILE_SECRET = "file-secret-7d3a9b";
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b|\\b(java|javax|dev\\.preflight|com\\.fasterxml|org\\.[a-z]+)\\.[a-z]+\\.");
    private static final Pattern STACK = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(|Caused by:");
    private static final Path ROOT = Path.of("src/test/resources/hostile");

    @TempDir
    Path dir;

    /** One line of cases.txt. */
    record Case(String name, String plan, List<String> args, int exit, List<String> fragments) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("cases.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s\\|\\s", -1);
            if (f.length != 5) {
                throw new IllegalStateException("cases.txt: not 5 fields: " + line);
            }
            out.add(new Case(f[0].strip(), f[1].strip(), List.of(f[2].strip().split("\\s+")),
                    Integer.parseInt(f[3].strip()), List.of(f[4].strip().split("\\s+&&\\s+"))));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInputGetsAClearAnswerAndChangesNothing(Case c) throws Exception {
        copy(ROOT.resolve("files"), dir);
        Path plan = dir.resolve("preflight.yaml");
        if (c.plan().startsWith("@")) {
            generate(c.plan().substring(1), plan);
        } else {
            Files.copy(ROOT.resolve("plans").resolve(c.plan()), plan);
        }
        Map<String, String> before = tree(dir);
        List<String> args = new ArrayList<>();
        if (!c.args().contains("--plan")) {
            args.add("--plan");
            args.add(plan.toString());
        }
        args.addAll(c.args());
        Map<String, String> env = Map.of("ACC_SECRET", ACC_SECRET, "JIRA_TOKEN", JIRA_TOKEN);
        long t0 = System.nanoTime();
        CliRun r = CliRun.of(dir, env, CliRun.CLOCK, args.toArray(String[]::new));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String all = r.all();
        assertThat(r.code()).as(c.name() + ":\n" + all).isEqualTo(c.exit());
        for (String frag : c.fragments()) {
            String want = frag.replace("{plan}", plan.toString()).replace("{dir}", dir.toString());
            assertThat(all).as(c.name()).contains(want);
        }
        boolean verbose = c.args().contains("-v");
        if (!verbose) {
            assertThat(STACK.matcher(all).find()).as(c.name() + " printed a stack trace:\n" + all).isFalse();
            assertThat(CLASS_NAME.matcher(all).find()).as(c.name() + " printed a class name:\n" + all).isFalse();
        }
        assertThat(all).as(c.name() + " showed a secret").doesNotContain(ACC_SECRET, JIRA_TOKEN, FILE_SECRET);
        for (String shadow : shadowLines()) {
            assertThat(all).as(c.name() + " showed /etc/shadow").doesNotContain(shadow);
        }
        assertThat(tree(dir)).as(c.name() + " changed files").isEqualTo(before);
        // A limit exists to answer at once; 10 s only catches a return of the minutes-long cases
        // (timing is measured in bench/, not here).
        assertThat(took).as(c.name() + " took " + took.toMillis() + " ms").isLessThan(Duration.ofSeconds(10));
        if (c.name().startsWith("output-dev")) {
            assertThat(Files.isRegularFile(Path.of("/dev/full"))).isFalse();
        }
    }

    /** Content lines of /etc/shadow with a password field, when readable (root, as in CI). */
    private static List<String> shadowLines() {
        try {
            return Files.readAllLines(Path.of("/etc/shadow")).stream().filter(l -> l.split(":").length > 2
                    && l.split(":")[1].length() > 3).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void generate(String name, Path plan) throws IOException {
        String head = "version: 1\n";
        switch (name) {
            case "deep-flow-lists" -> Files.writeString(plan, "[".repeat(2000) + "]".repeat(2000) + "\n");
            case "deep-flow-maps" -> Files.writeString(plan, "{a: ".repeat(2000) + "1" + "}".repeat(2000) + "\n");
            case "deep-block" -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    sb.append("  ".repeat(i)).append("k").append(i).append(":\n");
                }
                sb.append("  ".repeat(100)).append("v\n");
                Files.writeString(plan, sb);
            }
            case "ten-mb-line" -> Files.writeString(plan, "owner: \"" + "a".repeat(10 * 1024 * 1024) + "\"\n" + head);
            case "long-line" -> Files.writeString(plan, head + "project: {name: demo, owner: \"" + "a".repeat(100_000) + "\"}\n");
            case "long-block-value" -> Files.writeString(plan, head + "project:\n  name: demo\n  owner: >-\n"
                    + ("    " + "a".repeat(69) + "\n").repeat(1000));
            case "file-too-big" -> {
                Files.writeString(dir.resolve("big.txt"), "s".repeat(100_000));
                Files.writeString(plan, head + "project: {name: demo, owner: \"${file:big.txt}\"}\n");
            }
            case "link-to-plan" -> {
                Files.writeString(plan, head + "project: {name: demo}\n");
                Files.createSymbolicLink(dir.resolve("link.txt"), plan);
            }
            case "dangling-link" -> {
                Files.writeString(plan, head + "project: {name: demo}\n");
                Files.createSymbolicLink(dir.resolve("dangling.txt"), dir.resolve("nowhere/x.txt"));
            }
            default -> throw new IllegalArgumentException("no generator " + name);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** Every file below {@code root} (links as links) with its SHA-256 and mode: what "nothing changed" means. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, Hashing.sha256Hex(p) + " " + Files.getPosixFilePermissions(p));
                } else if (Files.isDirectory(p)) {
                    out.put(rel + "/", "dir");
                }
            }
        }
        return out;
    }
}
