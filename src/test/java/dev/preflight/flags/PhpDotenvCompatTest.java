package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.flags.DotenvFile.DotenvException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the dotenv reader against vlucas/phpdotenv, the parser Laravel itself uses (Debian
 * package {@code php-vlucas-phpdotenv}): for every fixture both read the same flags value or both
 * refuse the file, and after a toggle phpdotenv reads the new value and every other variable
 * unchanged. Skipped (not passed) where PHP or phpdotenv is not installed.
 */
class PhpDotenvCompatTest {
    private static final Path AUTOLOAD = Path.of("/usr/share/php/Dotenv/autoload.php");
    private static final String KEY = "APP_FEATURE_FLAGS";

    @TempDir
    static Path dir;

    private static Path script;

    @BeforeAll
    static void requirePhpDotenv() throws Exception {
        assumeTrue(Files.isRegularFile(AUTOLOAD), "php-vlucas-phpdotenv is not installed");
        script = dir.resolve("parse.php");
        try (var in = PhpDotenvCompatTest.class.getResourceAsStream("/flags/phpdotenv-parse.php")) {
            Files.write(script, in.readAllBytes());
        }
    }

    private static int n;

    /** What phpdotenv reads: the variables, or null when it refuses the file. */
    private static Map<String, String> php(byte[] content) throws Exception {
        Path f = dir.resolve("case-" + (n++) + ".env");
        Files.write(f, content);
        Process p = new ProcessBuilder("php", script.toString(), AUTOLOAD.toString(), f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        JsonNode doc = Json.parse(out);
        if (doc.has("error")) {
            return null;
        }
        Map<String, String> vals = new LinkedHashMap<>();
        doc.path("values").fields().forEachRemaining(e -> vals.put(e.getKey(), e.getValue().asText()));
        return vals;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> cases() throws Exception {
        List<byte[]> c = new ArrayList<>();
        c.add(b(FlagFixture.EXAMPLE));
        c.add(b(FlagFixture.STAGING));
        c.add(b(FlagFixture.PRODUCTION));
        for (String f : List.of(".env.example", ".env.staging", ".env.production")) {
            c.add(Files.readAllBytes(Path.of("examples/academy/app").resolve(f)));
        }
        c.add(b("A=1\nexport APP_FEATURE_FLAGS=\"{\\\"communities\\\": false, \\\"webauthn\\\": true}\"   # c\nB=\"x\"\n"));
        c.add(b("APP_ENV=production\r\n# flags\r\nAPP_FEATURE_FLAGS='{\"communities\":false,\"webauthn\":false}'\r\n\r\nX=1"));
        c.add(b("APP_ENV=local\n  APP_FEATURE_FLAGS = {\"communities\":true,\"webauthn\":false} # local dev"));
        c.add(b("APP_FEATURE_FLAGS={\"a\":true}#comment right after\n"));
        c.add(b("# c\r\nexport APP_FEATURE_FLAGS=\"{ \\\"b\\\" :false ,\\\"a\\\":  true }\"\r\nX=1\r\n"));
        c.add(b("APP_FEATURE_FLAGS=\"{\\\"a\\\":\\ttrue}\"\n"));
        // A lone \r ends a line for phpdotenv, as \n does.
        c.add(b("# old\rAPP_FEATURE_FLAGS='{\"communities\": true}'\rX=1\r"));
        // Names as phpdotenv reads them: quoted, trimmed as PHP trims (NUL, vertical tab), export and a tab.
        c.add(b("\"APP_FEATURE_FLAGS\"='{\"communities\": true}'\n"));
        c.add(b("\u000B'APP_FEATURE_FLAGS'\u0000 = {\"communities\":true}\n"));
        c.add(b("export\tAPP_FEATURE_FLAGS={\"communities\":true}\n"));
        // A line inside another variable's multi-line value is not a definition.
        c.add(b("NOTE=\"was:\nAPP_FEATURE_FLAGS={}\n\"\nAPP_FEATURE_FLAGS='{\"communities\": false}'\n"));
        // Files phpdotenv refuses, and so must we.
        c.add(b("APP_FEATURE_FLAGS={\"a\": true}\n"));
        c.add(b("APP_FEATURE_FLAGS='{\"a\": true}' junk\n"));
        c.add(b("APP_FEATURE_FLAGS=\"{\\\"a\\\": \\q true}\"\n"));
        c.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'A', '=', '1', '\n', 'A', 'P', 'P', '_', 'F', 'E', 'A', 'T',
            'U', 'R', 'E', '_', 'F', 'L', 'A', 'G', 'S', '=', '{', '}', '\n'});
        return c;
    }

    @Test
    void readsTheSameValueAsLaravelOrRefusesTheSameFiles() throws Exception {
        int agreed = 0;
        for (byte[] c : cases()) {
            Map<String, String> theirs = php(c);
            String text = new String(c, StandardCharsets.UTF_8);
            DotenvFile.Entry ours;
            try {
                ours = DotenvFile.of("x", c).find(KEY);
            } catch (DotenvException e) {
                assertThat(theirs).as("phpdotenv accepts what we refuse (%s): %s", e.getMessage(), text).isNull();
                agreed++;
                continue;
            }
            assertThat(theirs).as("phpdotenv refuses what we accept: %s", text).isNotNull();
            assertThat(ours).as(text).isNotNull();
            assertThat(ours.value()).as(text).isEqualTo(theirs.get(KEY));
            agreed++;
        }
        assertThat(agreed).isEqualTo(cases().size());
    }

    @Test
    void afterAToggleLaravelReadsTheNewValueAndEveryOtherVariableUnchanged() throws Exception {
        int toggled = 0;
        for (byte[] c : cases()) {
            DotenvFile f = DotenvFile.of("x", c);
            DotenvFile.Entry e;
            try {
                e = f.find(KEY);
            } catch (DotenvException ex) {
                continue;
            }
            String flag = FlagValues.parse(e.value()).fields().keySet().iterator().next();
            boolean was = FlagValues.parse(e.value()).fields().get(flag).value();
            byte[] out = FlagEditor.set(f, KEY, flag, !was);
            Map<String, String> before = php(c);
            Map<String, String> after = php(out);
            assertThat(after).isNotNull();
            assertThat(FlagValues.parse(after.get(KEY)).fields().get(flag).value()).isEqualTo(!was);
            before.remove(KEY);
            after.remove(KEY);
            assertThat(after).isEqualTo(before);
            toggled++;
        }
        assertThat(toggled).isEqualTo(17);
    }

    /**
     * A lone \r ends a line for phpdotenv, which reads a quoted name and trims a name as PHP trims, and
     * Laravel keeps the later of two definitions. A second definition after a comment's \r, on a
     * "comment" line, under a quoted name or after a vertical tab or NUL was not seen: we read false
     * where Laravel reads true in production. Each is now two definitions, which we refuse (the
     * application reads only one of them) while phpdotenv reads the later.
     */
    @Test
    void aSecondDefinitionAsPhpdotenvReadsItIsSeen() throws Exception {
        for (String text : List.of(
                "APP_FEATURE_FLAGS='{\"communities\": false}' # note\rAPP_FEATURE_FLAGS='{\"communities\": true}'\n",
                "APP_FEATURE_FLAGS='{\"communities\": false}'\n# old\rAPP_FEATURE_FLAGS='{\"communities\": true}'\n",
                "APP_FEATURE_FLAGS='{\"communities\": false}'\n\"APP_FEATURE_FLAGS\"='{\"communities\": true}'\n",
                "APP_FEATURE_FLAGS='{\"communities\": false}'\n\u000BAPP_FEATURE_FLAGS={\"communities\":true}\n",
                "APP_FEATURE_FLAGS='{\"communities\": false}'\nAPP_FEATURE_FLAGS\u0000={\"communities\":true}\n")) {
            assertThat(FlagValues.parse(php(b(text)).get(KEY)).fields().get("communities").value()).as(text).isTrue();
            assertThatThrownBy(() -> DotenvFile.of("x", b(text)).find(KEY)).as(text)
                    .isInstanceOf(DotenvException.class).hasMessageContaining("is defined twice");
        }
    }
}
