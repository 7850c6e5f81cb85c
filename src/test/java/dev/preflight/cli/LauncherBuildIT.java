package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first command on a new machine, as a user sees it: {@code bin/preflight} in a checkout that has
 * never been built. It must show the build's progress in plain lines on stderr (no escape codes, even
 * when the terminal type asks for colour), keep stdout for the command's own output, and say where
 * the whole Maven output went; a broken build exits 4 with Maven's error lines.
 */
class LauncherBuildIT {
    private static final Path REPO = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    private record Out(int code, String stdout, String stderr) {
    }

    @Test
    void aFreshCheckoutBuildsWithPlainProgressAndABrokenBuildSaysWhy() throws Exception {
        Path checkout = dir.resolve("checkout");
        // What the launcher's build reads: the pom, the main sources, the launcher and the examples
        // the start-up training runs. No target/: this is a checkout that was never built.
        for (String part : List.of("pom.xml", "src/main", "bin", "examples")) {
            copy(REPO.resolve(part), checkout.resolve(part));
        }

        // A source that does not compile first: the user sees Maven's [ERROR] lines, exit 4.
        Path main = checkout.resolve("src/main/java/dev/preflight/cli/Main.java");
        String good = Files.readString(main);
        Files.writeString(main, good + "\nclass Broken { int x = ; }\n");
        Out broken = launch(checkout, "--version");
        assertThat(broken.code()).isEqualTo(4);
        assertThat(broken.stdout()).isEmpty();
        assertThat(broken.stderr()).contains("preflight: building ", "[ERROR]", "Main.java",
                "preflight: build failed after ", "target/build.log has everything");
        assertThat(broken.stderr()).doesNotContain("\u001b");

        Files.writeString(main, good);
        Out first = launch(checkout, "--version");
        assertThat(first.code()).isZero();
        // stdout carries only the command's output; everything about the build is on stderr.
        assertThat(first.stdout()).startsWith("preflight ").doesNotContain("build");
        assertThat(first.stderr())
                .contains("preflight: building " + checkout.resolve("target/preflight.jar"))
                .containsPattern("preflight: build \\d+s: compiler:compile")
                .containsPattern("preflight: build \\d+s: compiling \\d+ source files")
                .containsPattern("preflight: build \\d+s: jar:jar")
                .containsPattern("preflight: built in \\d+s")
                .contains("preflight: training the start-up archive")
                .containsPattern("preflight: start-up archive ready after \\d+s");
        assertThat(first.stdout() + first.stderr()).doesNotContain("\u001b");
        // Every stderr line is the launcher's own, in one shape: no raw Maven lines.
        assertThat(first.stderr().lines()).allMatch(l -> l.startsWith("preflight: "));
        assertThat(Files.readString(checkout.resolve("target/build.log"))).contains("BUILD SUCCESS")
                .doesNotContain("\u001b");

        // Built once: the next command starts without a word about building.
        Out second = launch(checkout, "--version");
        assertThat(second.code()).isZero();
        assertThat(second.stdout()).isEqualTo(first.stdout());
        assertThat(second.stderr()).isEmpty();
    }

    private Out launch(Path checkout, String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = checkout.resolve("bin/preflight").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        // A terminal type that asks for colour: the build output must still carry no escape codes,
        // because stderr here is a file, not a terminal.
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().remove("NO_COLOR");
        Path err = dir.resolve("err-" + System.nanoTime() + ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
        return new Out(p.exitValue(), out, Files.readString(err));
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.toString().contains("/.preflight/")) {
                    // An example's .preflight/ (ledger, backups of an earlier run) is local state, not source.
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
