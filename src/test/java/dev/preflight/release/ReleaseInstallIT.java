package dev.preflight.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as a user gets it. {@code scripts/release --no-package} makes it from the jar this
 * build just packaged (so CI builds it once, not twice); the tarball is unpacked into an empty
 * directory and run with a PATH that holds no java and no mvn; the .deb is installed with dpkg,
 * run, read with man, removed, and every file it listed is gone; SHA256SUMS verifies.
 */
class ReleaseInstallIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @TempDir
    static Path work;

    static Path out;
    static String version;
    static Path minimalBin;

    /** Processes start with exactly this environment plus what a call adds: nothing inherited. */
    private static LocalProcessRunner runner(Map<String, String> env) {
        return new LocalProcessRunner(Secrets.none(), env);
    }

    private static final LocalProcessRunner HOST = new LocalProcessRunner(Secrets.none());

    private static ProcessResult host(Duration timeout, String... argv) throws Exception {
        return HOST.run(ProcessSpec.of(argv).withTimeout(timeout));
    }

    private static ProcessResult host(String... argv) throws Exception {
        return host(Duration.ofMinutes(2), argv);
    }

    /** A PATH a bastion without Java could have: readlink (the launcher's one tool) and git (a probe). */
    private static Map<String, String> bareEnv(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", minimalBin.toString());
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("NO_COLOR", "1");
        return env;
    }

    @BeforeAll
    static void makeTheRelease() throws Exception {
        out = work.resolve("release");
        ProcessResult r = host(Duration.ofMinutes(20), ROOT.resolve("scripts/release").toString(),
                "--no-package", "--out", out.toString());
        assertThat(r.exitCode()).as("scripts/release:%n%s", r.stderr()).isZero();
        System.out.println(r.stderr()); // the steps with their times, in the failsafe report
        try (JarFile jar = new JarFile(ROOT.resolve("target/preflight.jar").toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        minimalBin = work.resolve("bin");
        Files.createDirectories(minimalBin);
        for (String tool : List.of("readlink", "git")) {
            ProcessResult which = host("sh", "-c", "command -v " + tool);
            assertThat(which.exitCode()).as("%s on this machine", tool).isZero();
            Files.createSymbolicLink(minimalBin.resolve(tool), Path.of(which.stdout().strip()));
        }
        assertThat(minimalBin.resolve("java")).doesNotExist();
        assertThat(minimalBin.resolve("mvn")).doesNotExist();
    }

    @Test
    void theArtifactsAreThereAndSha256SumsVerifiesThem() throws Exception {
        String tarball = "preflight-" + version + "-linux-x86_64.tar.gz";
        String deb = "preflight_" + version.replace('-', '~') + "_amd64.deb";
        String sbom = "preflight-" + version + "-sbom.cdx.json";
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(tarball, deb, sbom, "SHA256SUMS");
        }
        ProcessResult check = HOST.run(ProcessSpec.of("sha256sum", "--strict", "-c", "SHA256SUMS")
                .withWorkDir(out.toString()));
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stdout()).contains(tarball + ": OK", deb + ": OK", sbom + ": OK");

        // The check bites: one byte changed in a copy of the SBOM fails it.
        Path tampered = work.resolve("tampered");
        Files.createDirectories(tampered);
        Files.copy(out.resolve("SHA256SUMS"), tampered.resolve("SHA256SUMS"));
        for (String f : List.of(tarball, deb)) {
            Files.createSymbolicLink(tampered.resolve(f), out.resolve(f));
        }
        String json = Files.readString(out.resolve(sbom));
        Files.writeString(tampered.resolve(sbom), json.replaceFirst("\"preflight\"", "\"preflighx\""));
        ProcessResult bad = HOST.run(ProcessSpec.of("sha256sum", "-c", "SHA256SUMS").withWorkDir(tampered.toString()));
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stdout()).contains(sbom + ": FAILED");

        // The SBOM lists what the jar bundles, in CycloneDX.
        assertThat(json).contains("\"bomFormat\" : \"CycloneDX\"", "pkg:maven/info.picocli/picocli@",
                "pkg:maven/org.xerial/sqlite-jdbc@");
    }

    @Test
    void theTarballRunsFromAnEmptyDirectoryWithNoJavaOrMavenOnPath() throws Exception {
        // A directory name with a space: the launcher must quote what it builds from its own path.
        Path dest = work.resolve("unpacked here");
        Files.createDirectories(dest);
        ProcessResult untar = host("tar", "-xzf", out.resolve("preflight-" + version + "-linux-x86_64.tar.gz").toString(),
                "-C", dest.toString());
        assertThat(untar.exitCode()).as(untar.stderr()).isZero();
        Path tree = dest.resolve("preflight-" + version + "-linux-x86_64");
        try (Stream<Path> top = Files.list(dest)) {
            assertThat(top).containsExactly(tree);
        }
        for (String f : List.of("bin/preflight", "lib/preflight.jar", "lib/preflight.jsa", "runtime/bin/java",
                "runtime/lib/server/classes.jsa", "man/preflight.1", "completion/preflight.bash",
                "examples/quickstart/preflight.yaml", "LICENSE", "NOTICE", "sbom.cdx.json", "docs/README.md")) {
            assertThat(tree.resolve(f)).as(f).exists();
        }
        assertThat(Files.readString(tree.resolve("NOTICE"))).contains("org.xerial:sqlite-jdbc", "Apache-2.0",
                "runtime/legal");

        Path home = work.resolve("home");
        Files.createDirectories(home);
        // Called through a symlink on PATH, as a user who linked it into ~/bin would.
        Files.createSymbolicLink(minimalBin.resolve("preflight"), tree.resolve("bin/preflight"));
        String preflight = minimalBin.resolve("preflight").toString();
        LocalProcessRunner bare = runner(bareEnv(home));

        ProcessResult v = bare.run(ProcessSpec.of(preflight, "--version").withWorkDir(home.toString()));
        assertThat(v.exitCode()).as(v.stderr()).isZero();
        assertThat(v.stdout()).startsWith("preflight " + version + "\nJava 17.");

        // Its own runtime, and the class-data archive is really mapped (-Xshare:on fails otherwise),
        // with Preflight's own classes in it.
        ProcessResult props = bare.run(ProcessSpec.of(preflight, "--version").withWorkDir(home.toString())
                .withEnv(Map.of("PREFLIGHT_JAVA_OPTS", "-Xshare:on -XshowSettings:properties")));
        assertThat(props.exitCode()).as(props.stderr()).isZero();
        assertThat(props.stderr()).contains("java.home = " + tree.resolve("runtime").toRealPath());
        ProcessResult loads = bare.run(ProcessSpec.of(preflight, "--version").withWorkDir(home.toString())
                .withEnv(Map.of("PREFLIGHT_JAVA_OPTS", "-Xlog:class+load=info")));
        assertThat(loads.stdout()).contains("dev.preflight.cli.Cli source: shared objects file (top)");

        ProcessResult valid = bare.run(ProcessSpec.of(preflight, "--plan",
                tree.resolve("examples/quickstart/preflight.yaml").toString(), "validate").withWorkDir(home.toString()));
        assertThat(valid.exitCode()).as(valid.stdout() + valid.stderr()).isZero();
        ProcessResult academy = bare.run(ProcessSpec.of(preflight, "--plan",
                tree.resolve("examples/academy/preflight.yaml").toString(), "validate").withWorkDir(home.toString()));
        assertThat(academy.exitCode()).as(academy.stdout() + academy.stderr()).isZero();

        // The quickstart as the README says: copied to a working directory, run there. It requires
        // java >= 17 and git >= 2 on this host; with no java on PATH the honest verdict is NO-GO.
        Path qs = home.resolve("quickstart");
        Files.createDirectories(qs);
        Files.copy(tree.resolve("examples/quickstart/preflight.yaml"), qs.resolve("preflight.yaml"));
        ProcessResult noJava = bare.run(ProcessSpec.of(preflight, "run").withWorkDir(qs.toString()));
        assertThat(noJava.exitCode()).as(noJava.stdout() + noJava.stderr()).isEqualTo(1);
        assertThat(noJava.stdout()).contains("NO-GO").containsIgnoringCase("java");
        assertThat(qs.resolve(".preflight/ledger.db")).exists();

        // The same plan on a host that has a Java 17 on PATH (only java added): GO, recorded.
        Path withJava = work.resolve("bin-java");
        Files.createDirectories(withJava);
        Files.createSymbolicLink(withJava.resolve("java"), Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
        Map<String, String> env = bareEnv(home);
        env.put("PATH", minimalBin + ":" + withJava);
        ProcessResult go = runner(env).run(ProcessSpec.of(preflight, "run").withWorkDir(qs.toString()));
        assertThat(go.exitCode()).as(go.stdout() + go.stderr()).isZero();
        assertThat(go.stdout()).contains("Readiness of quickstart: GO");
        ProcessResult verify = bare.run(ProcessSpec.of(preflight, "ledger", "verify").withWorkDir(qs.toString()));
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();

        // An audit opens the ledger with SQLite's native library from lib/native, so it runs where
        // sqlite-jdbc could not unpack its own copy into the temporary directory (noexec /tmp).
        ProcessResult audit = bare.run(ProcessSpec.of(preflight, "--ledger", "sqlite:" + home.resolve("audit.db"),
                "audit", "--local", "--require", "git=>=2").withWorkDir(home.toString())
                .withEnv(Map.of("PREFLIGHT_JAVA_OPTS", "-Djava.io.tmpdir=" + work.resolve("no-such-dir"))));
        assertThat(audit.exitCode()).as(audit.stdout() + audit.stderr()).isZero();
        assertThat(audit.stderr()).doesNotContain("SEVERE");

        // Completion for bash (and zsh through bashcompinit): registered, and 'preflight au<TAB>' offers audit.
        ProcessResult complete = host("bash", "-c", "source \"$1\" && complete -p preflight"
                + " && COMP_WORDS=(preflight au) COMP_CWORD=1 COMP_LINE='preflight au' COMP_POINT=12"
                + " && $(complete -p preflight | sed -E 's/.* -F ([^ ]+) .*/\\1/') && echo \"offered: ${COMPREPLY[*]}\"",
                "bash", tree.resolve("completion/preflight.bash").toString());
        assertThat(complete.exitCode()).as(complete.stderr()).isZero();
        assertThat(complete.stdout()).contains("offered: audit");
    }

    @Test
    void theDebInstallsRunsShowsItsManPageAndRemovesWithoutLeftovers() throws Exception {
        assumeThat(host("id", "-u").stdout().strip()).as("dpkg -i needs root").isEqualTo("0");
        // One install at a time on this machine: other checkouts run this test too.
        try (FileChannel ch = FileChannel.open(Path.of("/tmp/preflight-release-it.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            installAndRemove();
        }
    }

    private void installAndRemove() throws Exception {
        Path deb = out.resolve("preflight_" + version.replace('-', '~') + "_amd64.deb");
        try {
            ProcessResult install = host(Duration.ofMinutes(5), "dpkg", "-i", deb.toString());
            assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
            List<String> listed = host("dpkg", "-L", "preflight").stdout().lines().toList();
            assertThat(listed).contains("/usr/bin/preflight", "/usr/share/man/man1/preflight.1.gz",
                    "/usr/share/bash-completion/completions/preflight", "/usr/share/doc/preflight/copyright",
                    "/usr/lib/preflight/runtime/bin/java", "/usr/lib/preflight/lib/preflight.jsa");
            List<Path> files = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            for (String p : listed) {
                if (p.equals("/.")) {
                    continue;
                }
                (Files.isDirectory(Path.of(p), LinkOption.NOFOLLOW_LINKS) ? dirs : files).add(Path.of(p));
            }

            Path home = work.resolve("deb-home");
            Files.createDirectories(home);
            Map<String, String> env = bareEnv(home);
            env.put("PATH", "/usr/bin:/bin");
            LocalProcessRunner user = runner(env);
            ProcessResult v = user.run(ProcessSpec.of("preflight", "--version").withWorkDir(home.toString()));
            assertThat(v.exitCode()).as(v.stderr()).isZero();
            assertThat(v.stdout()).startsWith("preflight " + version + "\n");
            ProcessResult props = user.run(ProcessSpec.of("/usr/bin/preflight", "--version").withWorkDir(home.toString())
                    .withEnv(Map.of("PREFLIGHT_JAVA_OPTS", "-Xshare:on -XshowSettings:properties")));
            assertThat(props.exitCode()).as(props.stderr()).isZero();
            assertThat(props.stderr()).contains("java.home = /usr/lib/preflight/runtime");

            Map<String, String> manEnv = Map.of("MANPAGER", "cat", "PAGER", "cat", "MANWIDTH", "80");
            ProcessResult man = user.run(ProcessSpec.of("man", "preflight").withEnv(manEnv));
            assertThat(man.exitCode()).as(man.stderr()).isZero();
            assertThat(man.stdout()).contains("PREFLIGHT(1)", "preflight audit", "--require TOOL=CONSTRAINT",
                    "EXIT STATUS");

            // The installed examples are read-only to a user: running one in place says where the
            // ledger could not go; with --ledger (what the README says) it runs.
            Path nobodyHome = work.resolve("nobody");
            Files.createDirectories(nobodyHome, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
            Files.setPosixFilePermissions(nobodyHome, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            String plan = "/usr/lib/preflight/examples/quickstart/preflight.yaml";
            ProcessResult inPlace = user.run(ProcessSpec.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                    "--clear-groups", "preflight", "--plan", plan, "run").withWorkDir(nobodyHome.toString()));
            assertThat(inPlace.exitCode()).as(inPlace.stdout() + inPlace.stderr()).isIn(2, 3);
            assertThat(inPlace.stderr()).contains("/usr/lib/preflight/examples/quickstart/.preflight");
            ProcessResult elsewhere = user.run(ProcessSpec.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                    "--clear-groups", "preflight", "--plan", plan, "--ledger", "sqlite:" + nobodyHome.resolve("l.db"),
                    "run").withWorkDir(nobodyHome.toString()));
            assertThat(elsewhere.stdout()).as(elsewhere.stderr()).contains("Readiness of quickstart:");
            assertThat(elsewhere.exitCode()).isIn(0, 1);
            assertThat(nobodyHome.resolve("l.db")).exists();
            assertThat(Path.of("/usr/lib/preflight/examples/quickstart/.preflight")).doesNotExist();

            ProcessResult remove = host(Duration.ofMinutes(5), "dpkg", "-r", "preflight");
            assertThat(remove.exitCode()).as(remove.stdout() + remove.stderr()).isZero();
            assertThat(remove.stderr()).doesNotContain("not empty");
            for (Path f : files) {
                assertThat(Files.exists(f, LinkOption.NOFOLLOW_LINKS)).as("left behind: %s", f).isFalse();
            }
            for (Path d : dirs) {
                // A directory may stay only when another package still owns it (/usr/bin, /usr/share/man/man1).
                if (Files.exists(d)) {
                    assertThat(host("dpkg-query", "-S", d.toString()).exitCode()).as("left behind: %s", d).isZero();
                }
            }
            assertThat(Path.of("/usr/lib/preflight")).doesNotExist();
            assertThat(host("dpkg-query", "-W", "-f=${Status}", "preflight").stdout()).doesNotContain("ok installed");
        } finally {
            ProcessResult status = host("dpkg-query", "-W", "-f=${Status}", "preflight");
            if (status.exitCode() == 0 && status.stdout().contains("ok installed")) {
                host(Duration.ofMinutes(5), "dpkg", "-r", "preflight");
            }
        }
    }
}
