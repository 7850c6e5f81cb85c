package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures of backups said in words (#16): a full disk names the destination, a wrong Redis port
 * says host:port and "connection refused", and no Java class name reaches the user.
 */
class BackupMessagesTest {
    /** A Java class name as it would leak into a message: {@code FileSystemException}, {@code java.io.X}. */
    static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b|\\bjava\\.[a-z]+\\.");

    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    /** Files under {@code d} this JVM still has open. */
    static List<String> openFilesUnder(Path d) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(d.toString())) {
                        out.add(target);
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    private CliHarness cli() {
        return new CliHarness(dir, Instant.now());
    }

    @Test
    void aFullDiskFailsTheBackupNamingTheDestinationAndLeavesNoPartialCopy() throws Exception {
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        // A 1 MB tmpfs (we run as root here); a loop device would do the same where tmpfs is not allowed.
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tiny.toString())
                .redirectErrorStream(true).start();
        String why = new String(mount.getInputStream().readAllBytes());
        assumeTrue(mount.waitFor() == 0, "cannot mount a 1 MB tmpfs here (" + why.strip() + "): no full disk to test");
        mounted = tiny;
        try (ScratchMariaDb db = new ScratchMariaDb()) {
            ScratchMariaDb.sql("USE " + db.name + ";\nCREATE TABLE " + db.name + ".blob_rows (id INT PRIMARY KEY, body TEXT);\n"
                    + "INSERT INTO " + db.name + ".blob_rows SELECT seq, REPEAT(MD5(seq), 32) FROM seq_1_to_3000;\n");
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: full-disk}
                    backups:
                      destinations:
                        - {name: roomy, type: local, path: roomy}
                        - {name: tiny, type: local, path: tiny}
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                    """.formatted(db.name));
            CliHarness cli = cli();
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).as(r.all()).isEqualTo(1);
            assertThat(r.all()).contains("destination 'tiny' (" + tiny + "): No space left on device");
            assertThat(CLASS_NAME.matcher(r.all()).find()).as(r.all()).isFalse();
            LedgerEntry e = cli.entries("backup").get(0);
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.summary()).contains("destination 'tiny' (" + tiny + "): No space left on device");
            assertThat(MysqlBackupTest.files(tiny)).isEmpty();
            assertThat(MysqlBackupTest.files(dir.resolve("roomy"))).isEmpty();
            for (int i = 0; i < 50 && !openFilesUnder(tiny).isEmpty(); i++) {
                Thread.sleep(100);
            }
            assertThat(openFilesUnder(tiny)).as("nothing is left open on the full disk").isEmpty();
            assertThat(openFilesUnder(dir.resolve("roomy"))).isEmpty();
        }
    }

    @Test
    void aWrongRedisPortSaysWhereAndWhyInWords() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: wrong-port}
                backups:
                  destinations: [{name: d, type: local, path: out}]
                  sources:
                    - {name: cache, type: redis, redis: {host: 127.0.0.1, port: %d}}
                """.formatted(port));
        CliHarness cli = cli();
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.all()).contains("cannot connect to Redis at 127.0.0.1:" + port + ": connection refused");
        assertThat(CLASS_NAME.matcher(r.all()).find()).as(r.all()).isFalse();
        assertThat(cli.entries("backup").get(0).summary())
                .contains("cannot connect to Redis at 127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void aDestinationThatIsAFileAndACopyThatIsADirectoryAreSaidInWords() throws Exception {
        Files.writeString(dir.resolve("not-a-dir"), "x");
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(1)) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: words}
                    backups:
                      destinations: [{name: d, type: local, path: not-a-dir}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                    """.formatted(db.name));
            CliHarness cli = cli();
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.all()).contains("destination 'd' (" + dir.resolve("not-a-dir") + "): ");
            assertThat(CLASS_NAME.matcher(r.all()).find()).as(r.all()).isFalse();

            // A copy replaced by a directory: verify says it cannot be read, in words.
            Files.delete(dir.resolve("not-a-dir"));
            assertThat(cli.run("backup", "run").code()).isZero();
            // A committed copy keeps no descriptor open either.
            assertThat(openFilesUnder(dir.resolve("not-a-dir"))).isEmpty();
            Path copy = Path.of(CliHarness.payload(cli.entries("backup").get(1)).path("copies").get(0)
                    .path("location").asText());
            Files.delete(copy);
            Files.createDirectory(copy);
            CliRun v = cli.run("backup", "verify");
            assertThat(v.code()).isEqualTo(1);
            assertThat(CLASS_NAME.matcher(v.all()).find()).as(v.all()).isFalse();
            List<String> lines = v.out().lines().filter(l -> l.contains(copy.toString())).toList();
            assertThat(lines).singleElement().satisfies(l -> assertThat(l).containsPattern("(ERROR|MISSING)"));
        }
    }

    @Test
    void noAwsCredentialsSaysWhichVariablesToSetAndAnUnresolvableSourceHostIsNamedInTheSameRun() throws Exception {
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null && System.getenv("AWS_PROFILE") == null
                && !Files.exists(Path.of(System.getProperty("user.home"), ".aws")), "AWS credentials are configured here");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: no-credentials}
                backups:
                  destinations:
                    - {name: offsite, type: s3, bucket: some-bucket, region: eu-west-1, endpoint: "http://127.0.0.1:9"}
                  sources:
                    - {name: db, type: mysql, mysql: {host: db.no-such-host.invalid, user: backup, database: app}}
                """);
        // No instance-metadata lookups: the credential chain ends at once on this machine.
        System.setProperty("aws.disableEc2Metadata", "true");
        try {
            CliRun r = cli().run("backup", "run");
            assertThat(r.code()).as(r.all()).isEqualTo(1);
            assertThat(r.out()).contains("FAILED  db  cannot write the backup: destination 'offsite'",
                    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) where preflight "
                            + "runs",
                    "its host db.no-such-host.invalid does not resolve either (check the name)")
                    .doesNotContain("CredentialsProvider", ".partial-", "...");
            assertThat(r.all()).doesNotContainPattern(CLASS_NAME);
        } finally {
            System.clearProperty("aws.disableEc2Metadata");
        }
    }
}
