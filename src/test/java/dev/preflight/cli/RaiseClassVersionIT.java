package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's class-version raise (bin/lib/RaiseClassVersion.java, run by a JDK 24+ before it
 * makes the AOT cache) on picocli's real jar: every Java 5 class file comes out as a Java 8 one, nothing
 * else in the jar changes, and the raised classes pass the JVM's verifier and behave the same: the
 * CLI's help and a usage error, run on the newer JDK with the raised jar, print what Java 17 prints
 * with the original one.
 */
class RaiseClassVersionIT {
    @TempDir
    Path dir;

    private Path newJava;
    private Path picocli;

    @BeforeEach
    void findTheNewerJdk() throws Exception {
        // The same places bin/preflight looks in.
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            newJava = jvms.filter(p -> p.getFileName().toString().matches("(temurin|java)-2[5-9].*"))
                    .map(p -> p.resolve("bin/java")).filter(Files::isExecutable).findFirst().orElse(null);
        }
        Assumptions.assumeTrue(newJava != null, "no JDK 25+ under /usr/lib/jvm: the launcher never raises class files there");
        picocli = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private record Out(int code, String stdout, String stderr) {
    }

    private Out run(List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("COLUMNS", "80");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Out(p.exitValue(), out, Files.readString(err));
    }

    private static Map<String, Integer> majors(Path jar) throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (ZipEntry e : z.stream().toList()) {
                if (e.getName().endsWith(".class")) {
                    byte[] b = z.getInputStream(e).readAllBytes();
                    out.put(e.getName(), ((b[6] & 0xff) << 8) | (b[7] & 0xff));
                }
            }
        }
        return out;
    }

    @Test
    void raisesPicocliAndTheCliBehavesTheSame() throws Exception {
        Path raised = dir.resolve("picocli-raised.jar");
        Out tool = run(List.of(newJava.toString(), Path.of("bin/lib/RaiseClassVersion.java").toAbsolutePath().toString(),
                picocli.toString(), raised.toString()));
        assertThat(tool.code()).as(tool.stderr()).isZero();

        Map<String, Integer> before = majors(picocli);
        Map<String, Integer> after = majors(raised);
        long old = before.values().stream().filter(m -> m < 50).count();
        assertThat(old).as("picocli still ships Java 5 class files").isGreaterThan(100);
        assertThat(tool.stderr()).contains("raised " + old + " class file(s) to version 52, kept 0");
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        assertThat(after.values()).allSatisfy(m -> assertThat(m).isGreaterThanOrEqualTo(52));
        try (ZipFile a = new ZipFile(picocli.toFile()); ZipFile b = new ZipFile(raised.toFile())) {
            List<String> names = a.stream().map(ZipEntry::getName).toList();
            assertThat(b.stream().map(ZipEntry::getName).toList()).isEqualTo(names);
            for (String n : names) {
                if (!n.endsWith(".class")) {
                    assertThat(b.getInputStream(b.getEntry(n)).readAllBytes()).as(n)
                            .isEqualTo(a.getInputStream(a.getEntry(n)).readAllBytes());
                }
            }
        }

        // The CLI on each: this JVM's class path, picocli swapped for the raised copy on the newer JDK.
        // Application classes are verified when they load, so a wrong stack map fails here.
        String classPath = System.getProperty("java.class.path");
        String swapped = Arrays.stream(classPath.split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().equals(picocli.toAbsolutePath()) ? raised.toString() : p)
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(swapped).contains(raised.toString());
        String java17 = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (List<String> args : List.of(List.of("--help"), List.of("backup", "--help"), List.of("audit", "--bogus"),
                List.of("--plan", dir.resolve("missing.yaml").toString(), "validate"))) {
            List<String> plain = new ArrayList<>(List.of(java17, "-cp", classPath, Main.class.getName()));
            plain.addAll(args);
            List<String> raisedRun = new ArrayList<>(List.of(newJava.toString(), "-Xshare:off", "-cp", swapped,
                    Main.class.getName()));
            raisedRun.addAll(args);
            Out expected = run(plain);
            Out actual = run(raisedRun);
            assertThat(actual.code()).as(String.join(" ", args)).isEqualTo(expected.code());
            assertThat(actual.stdout()).as(String.join(" ", args)).isEqualTo(expected.stdout());
            assertThat(actual.stderr()).as(String.join(" ", args)).isEqualTo(expected.stderr());
        }
    }
}
