package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.flags.DotenvFile.DotenvException;
import dev.preflight.flags.DotenvFile.Quote;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips of real-world dotenv files: only the flag literal changes, every other byte stays. */
class DotenvFileTest {
    private static final String KEY = "APP_FEATURE_FLAGS";

    private static final String LARAVEL_LF = """
            # Academy - staging
            APP_NAME="Academy (staging)"
            APP_ENV=staging
            APP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
            APP_DEBUG=false
            APP_URL=https://staging.academy.example.com

            LOG_CHANNEL=stack   # daily in production
            DB_CONNECTION=mysql
            DB_PASSWORD='p@ss "with" quotes # not a comment'

            # Feature flags: JSON object, one boolean per registered flag (runbook 4.1)
            export APP_FEATURE_FLAGS="{\\"communities\\": false, \\"webauthn\\": false}"   # toggled by preflight
            MAIL_FROM_ADDRESS="noreply@academy.example.com"
            VITE_APP_NAME="${APP_NAME}"
            """;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] toggle(byte[] in, String flag, boolean on) throws Exception {
        return FlagEditor.set(DotenvFile.of(".env", in), KEY, flag, on);
    }

    @Test
    void doubleQuotedWithEscapedQuotesExportAndCommentsChangesOnlyTheLiteral() throws Exception {
        byte[] out = toggle(b(LARAVEL_LF), "communities", true);
        assertThat(out).isEqualTo(b(LARAVEL_LF.replace("{\\\"communities\\\": false", "{\\\"communities\\\": true")));
        DotenvFile.Entry e = DotenvFile.of(".env", out).find(KEY);
        assertThat(e.line()).isEqualTo(13);
        assertThat(e.quote()).isEqualTo(Quote.DOUBLE);
        assertThat(e.value()).isEqualTo("{\"communities\": true, \"webauthn\": false}");
        // And back: the file is byte-identical to the original.
        assertThat(toggle(out, "communities", false)).isEqualTo(b(LARAVEL_LF));
    }

    /**
     * A lone \r ends a line, as phpdotenv (Laravel) reads the file: a second definition after a
     * comment's \r was part of the comment here, so production read off where Laravel reads the later
     * definition, on (PhpDotenvCompatTest checks phpdotenv's side where it is installed).
     */
    @Test
    void aLoneCarriageReturnEndsALine() throws Exception {
        String hidden = "APP_FEATURE_FLAGS='{\"communities\": false}' # note\rAPP_FEATURE_FLAGS='{\"communities\": true}'\n";
        assertThatThrownBy(() -> DotenvFile.of("x", b(hidden)).find("APP_FEATURE_FLAGS"))
                .isInstanceOf(DotenvException.class).hasMessageContaining("defined twice (lines 1 and 2)");
        DotenvFile.Entry e = DotenvFile.of("x", b("# old\rAPP_FEATURE_FLAGS='{\"communities\": true}'\rX=1\r"))
                .find("APP_FEATURE_FLAGS");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.value()).isEqualTo("{\"communities\": true}");
    }

    /**
     * Names as phpdotenv reads them (Laravel): a quoted name, one trimmed as PHP trims (a vertical
     * tab, a NUL), {@code export} and a tab. Matched as {@code [ \t]*(export[ \t]+)?KEY[ \t]*=},
     * each hid a second, later definition that Laravel reads; and a line inside another variable's
     * multi-line value, which Laravel does not read as a definition, was one.
     */
    @Test
    void namesAndLinesAsPhpdotenvReadsThem() throws Exception {
        for (String second : List.of("\"APP_FEATURE_FLAGS\"='{\"communities\": true}'", "'APP_FEATURE_FLAGS'={}",
                "\u000BAPP_FEATURE_FLAGS={}", "APP_FEATURE_FLAGS\u0000={}", "export\tAPP_FEATURE_FLAGS={}",
                "APP_FEATURE_FLAGS")) {
            String text = "APP_FEATURE_FLAGS='{\"communities\": false}'\n" + second + "\n";
            assertThatThrownBy(() -> DotenvFile.of("x", b(text)).find("APP_FEATURE_FLAGS")).as(second)
                    .isInstanceOf(DotenvException.class).hasMessageContaining("defined twice (lines 1 and 2)");
        }
        DotenvFile.Entry quoted = DotenvFile.of("x", b("\"APP_FEATURE_FLAGS\" = '{\"a\": true}'\n")).find("APP_FEATURE_FLAGS");
        assertThat(quoted.value()).isEqualTo("{\"a\": true}");
        DotenvFile.Entry real = DotenvFile.of("x", b("NOTE=\"was:\nAPP_FEATURE_FLAGS={}\n\"\n"
                + "APP_FEATURE_FLAGS='{\"a\": false}'\n")).find("APP_FEATURE_FLAGS");
        assertThat(real.line()).isEqualTo(4);
        assertThat(real.value()).isEqualTo("{\"a\": false}");
    }

    @Test
    void crlfSingleQuotedWithoutTrailingNewline() throws Exception {
        String in = "APP_ENV=production\r\n# flags\r\nAPP_FEATURE_FLAGS='{\"communities\":false,\"webauthn\":false}'\r\n"
                + "\r\nAPP_DEBUG=false";
        byte[] out = toggle(b(in), "webauthn", true);
        assertThat(out).isEqualTo(b(in.replace("\"webauthn\":false", "\"webauthn\":true")));
        assertThat(out[out.length - 1]).isEqualTo((byte) 'e');
        assertThat(DotenvFile.of("x", out).find(KEY).quote()).isEqualTo(Quote.SINGLE);
    }

    @Test
    void unquotedWithInlineCommentLastLineWithoutNewline() throws Exception {
        String in = "APP_ENV=local\n  APP_FEATURE_FLAGS = {\"communities\":true,\"webauthn\":false} # local dev";
        byte[] out = toggle(b(in), "communities", false);
        assertThat(out).isEqualTo(b(in.replace("\"communities\":true", "\"communities\":false")));
        DotenvFile.Entry e = DotenvFile.of("x", out).find(KEY);
        assertThat(e.quote()).isEqualTo(Quote.NONE);
        assertThat(e.value()).isEqualTo("{\"communities\":false,\"webauthn\":false}");
    }

    @Test
    void crlfDoubleQuotedWithTrailingNewlineAndMixedSpacing() throws Exception {
        String in = "# comment\r\nexport APP_FEATURE_FLAGS=\"{ \\\"webauthn\\\" :false ,\\\"communities\\\":  true }\"\r\nX=1\r\n";
        byte[] out = toggle(b(in), "webauthn", true);
        assertThat(out).isEqualTo(b(in.replace(":false ,", ":true ,")));
    }

    @Test
    void bytesThatAreNotUtf8ElsewhereSurviveTheRewrite() throws Exception {
        byte[] head = b("LATIN1_NAME=");
        byte[] latin = {(byte) 0xE9, (byte) 0xFF, '\n'};
        byte[] tail = b("APP_FEATURE_FLAGS={\"communities\":false}\n");
        byte[] in = new byte[head.length + latin.length + tail.length];
        System.arraycopy(head, 0, in, 0, head.length);
        System.arraycopy(latin, 0, in, head.length, latin.length);
        System.arraycopy(tail, 0, in, head.length + latin.length, tail.length);
        byte[] out = toggle(in, "communities", true);
        assertThat(out).hasSize(in.length - 1);
        assertThat(Arrays.copyOfRange(out, 0, head.length + latin.length))
                .isEqualTo(Arrays.copyOfRange(in, 0, head.length + latin.length));
    }

    @Test
    void withValueKeepsTheQuotingStyle() throws Exception {
        String in = "A=1\nAPP_FEATURE_FLAGS=\"{\\\"a\\\": false}\" # c\nB=2\n";
        DotenvFile f = DotenvFile.of("x", b(in));
        byte[] out = f.withValue(f.find(KEY), "{\"a\": true, \"b\": false}");
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("A=1\nAPP_FEATURE_FLAGS=\"{\\\"a\\\": true, \\\"b\\\": false}\" # c\nB=2\n");
        DotenvFile s = DotenvFile.of("x", b("APP_FEATURE_FLAGS='{}'\r\n"));
        assertThat(new String(s.withValue(s.find(KEY), "{\"a\":true}"), StandardCharsets.UTF_8))
                .isEqualTo("APP_FEATURE_FLAGS='{\"a\":true}'\r\n");
        assertThatThrownBy(() -> s.withValue(s.find(KEY), "it's")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void columnsPointIntoTheFileThroughEscapes() throws Exception {
        String in = "\nexport APP_FEATURE_FLAGS=\"{\\\"communities\\\": 1}\"\n";
        DotenvFile.Entry e = DotenvFile.of("x", b(in)).find(KEY);
        FlagValues.Field f = FlagValues.parse(e.value()).fields().get("communities");
        assertThat(f.value()).isNull();
        assertThat(f.found()).isEqualTo("the number 1");
        // export APP_FEATURE_FLAGS="{\"communities\": 1}": the 1 is the 45th byte of the line.
        assertThat(e.column(f.valueStart())).isEqualTo(45);
        assertThat(e.column(f.keyOffset())).isEqualTo(28);
        assertThat(e.line()).isEqualTo(2);
    }

    @Test
    void missingDuplicateAndUnterminatedKeysAreReportedWithTheirLine() throws Exception {
        assertThat(DotenvFile.of("x", b("APP_FEATURE_FLAGS_OLD={}\n# APP_FEATURE_FLAGS={}\n")).find(KEY)).isNull();
        assertThatThrownBy(() -> DotenvFile.of("x", b("APP_FEATURE_FLAGS={}\nA=1\nexport APP_FEATURE_FLAGS={}\n")).find(KEY))
                .isInstanceOfSatisfying(DotenvException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("defined twice (lines 1 and 3)");
                });
        assertThatThrownBy(() -> DotenvFile.of("x", b("A=1\nAPP_FEATURE_FLAGS=\"{\\\"a\\\": true}\n")).find(KEY))
                .isInstanceOfSatisfying(DotenvException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(19);
                    assertThat(e.getMessage()).contains("not closed");
                });
        assertThatThrownBy(() -> DotenvFile.of("x", b("APP_FEATURE_FLAGS='{}' junk\n")).find(KEY))
                .isInstanceOfSatisfying(DotenvException.class, e -> assertThat(e.column()).isEqualTo(23));
    }

    @Test
    void atomicWriteKeepsPermissionsAndLeavesNoTempFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(".env.production");
        Files.write(f, b(LARAVEL_LF));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        byte[] next = toggle(Files.readAllBytes(f), "webauthn", true);
        DotenvIo.withLock(f, () -> {
            DotenvIo.write(f, next);
            return null;
        });
        assertThat(Files.readAllBytes(f)).isEqualTo(next);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(".env.production", ".env.production.lock");
        }
    }

    @Test
    void aSymlinkedDotenvStaysALinkAndTheSharedFileIsRewritten(@TempDir Path dir) throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared")).resolve(".env");
        Files.write(shared, b(LARAVEL_LF));
        Path release = Files.createDirectories(dir.resolve("releases/42"));
        Path link = Files.createSymbolicLink(release.resolve(".env"), shared);
        byte[] next = toggle(Files.readAllBytes(link), "communities", true);
        DotenvIo.withLock(link, () -> {
            DotenvIo.write(link, next);
            return null;
        });
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readAllBytes(shared)).isEqualTo(next);
        assertThat(DotenvIo.lockFile(link)).isEqualTo(shared.toRealPath().resolveSibling(".env.lock"));
    }

    @Test
    void anUnquotedValueWithWhitespaceIsRefusedAsLaravelWouldRefuseIt() {
        assertThatThrownBy(() -> DotenvFile.of("x", b("A=1\nAPP_FEATURE_FLAGS={\"a\": true}\n")).find(KEY))
                .isInstanceOfSatisfying(DotenvException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(24);
                    assertThat(e.getMessage()).contains("unexpected whitespace");
                });
    }

    @Test
    void aByteOrderMarkIsAnErrorAsLaravelRefusesTheFile() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] rest = b("APP_FEATURE_FLAGS='{\"a\": false}'\r\nB=2\r\n");
        byte[] in = new byte[bom.length + rest.length];
        System.arraycopy(bom, 0, in, 0, 3);
        System.arraycopy(rest, 0, in, 3, rest.length);
        assertThatThrownBy(() -> DotenvFile.of("x", in).find(KEY))
                .isInstanceOfSatisfying(DotenvException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("byte order mark");
                });
    }
}
