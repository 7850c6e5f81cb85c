package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3 sources and destinations against in-process s3proxy servers. */
class S3BackupTest {
    @TempDir
    Path dir;

    private InProcessS3 s3;
    private S3Client client;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        s3 = new InProcessS3();
        client = s3.client();
        cli = new CliHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        s3.close();
    }

    private static byte[] content(String key, int size) {
        byte[] b = new byte[size];
        new Random(key.hashCode()).nextBytes(b);
        return b;
    }

    private Map<String, byte[]> seed(S3Client c, String bucket) {
        c.createBucket(b -> b.bucket(bucket));
        Map<String, byte[]> objects = new LinkedHashMap<>();
        objects.put("img/logo.png", content("logo", 10_000));
        objects.put("img/banner.jpg", content("banner", 300_000));
        objects.put("docs/terms.pdf", content("terms", 1));
        objects.put("empty.txt", new byte[0]);
        objects.put("courses/1/video.mp4", content("video", 2_000_000));
        objects.forEach((k, v) -> c.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromBytes(v)));
        return objects;
    }

    private byte[] get(S3Client c, String bucket, String key) {
        return c.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private JsonNode manifest(LedgerEntry e) throws Exception {
        JsonNode p = CliHarness.payload(e);
        Path local = null;
        for (JsonNode c : p.path("copies")) {
            if (c.path("destination").asText().equals("onprem")) {
                local = Path.of(c.path("location").asText());
            }
        }
        return Json.parse(Files.readString(local));
    }

    /**
     * A source prefix that lists no object (a typo: img/ for images/) backed up nothing; the backup
     * passed, and as S3 backups are not restore-tested nothing else said so: readiness was GO.
     */
    @Test
    void aSourcePrefixWithNoObjectBacksUpNothingAndFails() throws Exception {
        seed(client, "academy-assets");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: s3-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                  sources:
                    - name: academy-assets
                      type: s3
                      s3: {bucket: academy-assets, prefix: images/, target_bucket: "academy-assets-backup-{date}", %s}
                """.formatted(s3.yaml()));
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.all()).contains("no object under s3://academy-assets/images/: nothing was backed up");
        assertThat(cli.entries("backup")).extracting(LedgerEntry::outcome).containsExactly(Outcome.FAILED);
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.code()).as(readiness.all()).isEqualTo(1);
    }

    @Test
    void bucketIsCopiedServerSideWithAManifestAndASecondRunIsIncrementalButVerified() throws Exception {
        Map<String, byte[]> objects = seed(client, "academy-assets");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: s3-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: offsite, type: s3, bucket: academy-backups, prefix: manifests, %s}
                  sources:
                    - name: academy-assets
                      type: s3
                      s3: {bucket: academy-assets, target_bucket: "academy-assets-backup-{date}", %s}
                      name_pattern: "academy-assets-{date}-{time}"
                """.formatted(s3.yaml(), s3.yaml()));
        client.createBucket(b -> b.bucket("academy-backups"));

        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out() + r.err()).doesNotContain(InProcessS3.SECRET);
        assertThat(r.out()).contains("academy-assets-2026-01-05-0130.manifest.json",
                "offsite: s3://academy-backups/manifests/academy-assets-2026-01-05-0130.manifest.json");
        LedgerEntry first = cli.entries("backup").get(0);
        JsonNode facts = CliHarness.payload(first).path("facts");
        assertThat(facts.path("copy").asText()).isEqualTo("server-side");
        assertThat(facts.path("objects").asLong()).isEqualTo(5);
        assertThat(facts.path("copied").asLong()).isEqualTo(5);
        JsonNode m = manifest(first);
        assertThat(m.path("target").asText()).isEqualTo("s3://academy-assets-backup-2026-01-05/");
        assertThat(m.path("objects")).hasSize(5);
        for (JsonNode o : m.path("objects")) {
            byte[] want = objects.get(o.path("key").asText());
            assertThat(o.path("sha256").asText()).isEqualTo(Hashing.sha256Hex(want));
            assertThat(o.path("size").asLong()).isEqualTo(want.length);
            assertThat(o.path("etag").asText()).isNotBlank();
            assertThat(get(client, "academy-assets-backup-2026-01-05", o.path("key").asText())).isEqualTo(want);
        }
        // No temporary upload key is left beside the manifest.
        assertThat(client.listObjectsV2(b -> b.bucket("academy-backups")).contents()).extracting(S3Object::key)
                .containsExactly("manifests/academy-assets-2026-01-05-0130.manifest.json");

        // Second run the same day: one object changed, one added, one target copy damaged behind our back.
        byte[] changed = "new terms".getBytes(StandardCharsets.UTF_8);
        client.putObject(b -> b.bucket("academy-assets").key("docs/terms.pdf"), RequestBody.fromBytes(changed));
        client.putObject(b -> b.bucket("academy-assets").key("img/new.gif"), RequestBody.fromBytes(new byte[] {1, 2}));
        client.putObject(b -> b.bucket("academy-assets-backup-2026-01-05").key("img/logo.png"),
                RequestBody.fromBytes("damaged".getBytes(StandardCharsets.UTF_8)));
        cli.clock.set(Instant.parse("2026-01-05T02:30:00Z"));
        CliRun r2 = cli.run("backup", "run");
        assertThat(r2.code()).as(r2.out() + r2.err()).isZero();
        LedgerEntry second = cli.entries("backup").get(1);
        JsonNode f2 = CliHarness.payload(second).path("facts");
        assertThat(f2.path("objects").asLong()).isEqualTo(6);
        assertThat(f2.path("unchanged_verified").asLong()).isEqualTo(3);
        assertThat(f2.path("copied").asLong()).isEqualTo(3);
        Map<String, String> actions = new LinkedHashMap<>();
        manifest(second).path("objects").forEach(o -> actions.put(o.path("key").asText(), o.path("action").asText()));
        assertThat(actions).containsEntry("docs/terms.pdf", "copied").containsEntry("img/new.gif", "copied")
                .containsEntry("img/logo.png", "copied").containsEntry("img/banner.jpg", "unchanged")
                .containsEntry("empty.txt", "unchanged").containsEntry("courses/1/video.mp4", "unchanged");
        assertThat(get(client, "academy-assets-backup-2026-01-05", "img/logo.png")).isEqualTo(objects.get("img/logo.png"));
        assertThat(get(client, "academy-assets-backup-2026-01-05", "docs/terms.pdf")).isEqualTo(changed);

        // Verify re-reads both manifests in both locations; a deleted S3 copy is named.
        assertThat(cli.run("backup", "verify").code()).isZero();
        client.deleteObject(b -> b.bucket("academy-backups").key("manifests/academy-assets-2026-01-05-0130.manifest.json"));
        CliRun v = cli.run("backup", "verify");
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("MISSING ", "offsite: s3://academy-backups/manifests/academy-assets-2026-01-05-0130.manifest.json",
                "4 copies verified, 1 failed");
    }

    @Test
    void aListingThatDisagreesWithTheContentFailsTheBackupInsteadOfEveryVerifyAfterIt() throws Exception {
        // jclouds' filesystem store lists the directory "img/" as a 4096-byte object that reads as 0 bytes
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("store").toString());
        try (InProcessS3 fs = new InProcessS3("filesystem", p); S3Client c = fs.client()) {
            c.createBucket(b -> b.bucket("academy-assets"));
            c.putObject(b -> b.bucket("academy-assets").key("img/logo.png"), RequestBody.fromBytes(content("logo", 1000)));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: s3-test}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - name: academy-assets
                          type: s3
                          s3: {bucket: academy-assets, target_bucket: "academy-assets-backup-{date}", %s}
                    """.formatted(fs.yaml()));
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out() + r.err()).contains("img/ is listed as 4096 bytes but 0 bytes were read");
            assertThat(cli.entries("backup").get(0).outcome()).isEqualTo(Outcome.FAILED);
        }
    }

    @Test
    void verifyReReadsTheBucketCopyAndPruneRemovesOnlyTheObjectsAnExpiredManifestLists() throws Exception {
        Map<String, byte[]> objects = seed(client, "academy-assets");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: s3-test}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - name: academy-assets
                      type: s3
                      s3: {bucket: academy-assets, target_bucket: "academy-assets-backup-{date}", %s}
                      retention: 7d
                """.formatted(s3.yaml()));
        assertThat(cli.run("backup", "run").code()).isZero();
        CliRun ok = cli.run("backup", "verify");
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("bucket: s3://academy-assets-backup-2026-01-05/ (5 objects)");

        String day1 = "academy-assets-backup-2026-01-05";
        client.deleteObject(b -> b.bucket(day1).key("img/logo.png"));
        byte[] banner = objects.get("img/banner.jpg").clone();
        banner[1000] ^= 0x01;
        client.putObject(b -> b.bucket(day1).key("img/banner.jpg"), RequestBody.fromBytes(banner));
        CliRun bad = cli.run("backup", "verify");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("MISSING   ", "bucket: s3://" + day1 + "/img/logo.png",
                "MISMATCH", "bucket: s3://" + day1 + "/img/banner.jpg",
                "bucket: s3://" + day1 + "/ (3 objects)");

        // A week later a new dated copy; after its retention the first one goes, objects and manifest.
        client.putObject(b -> b.bucket(day1).key("unrelated/keep.txt"), RequestBody.fromBytes(new byte[] {7}));
        cli.clock.set(Instant.parse("2026-01-13T01:30:00Z"));
        assertThat(cli.run("backup", "run").code()).isZero();
        CliRun prune = cli.run("backup", "prune", "--apply");
        assertThat(prune.code()).as(prune.out()).isZero();
        assertThat(prune.out()).contains("its bucket copy s3://" + day1 + "/ goes too", "1 backup(s) deleted, 1 kept");
        // Only what the manifest listed is deleted: an object someone else put there stays.
        assertThat(keys(client, day1)).containsExactly("unrelated/keep.txt");
        assertThat(keys(client, "academy-assets-backup-2026-01-13")).hasSize(5);
        assertThat(cli.run("backup", "verify").code()).isZero();
    }

    @Test
    void aTargetOnAnotherEndpointIsStreamed() throws Exception {
        try (InProcessS3 other = new InProcessS3(); S3Client otherClient = other.client()) {
            Map<String, byte[]> objects = seed(client, "assets");
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: s3-test}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - name: assets
                          type: s3
                          s3: {bucket: assets, target_bucket: backups, target_prefix: "assets-{date}/", %s,
                               target: {%s}}
                    """.formatted(s3.yaml(), other.yaml()));
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
            assertThat(facts.path("copy").asText()).isEqualTo("streamed");
            for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                assertThat(get(otherClient, "backups", "assets-2026-01-05/" + e.getKey())).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void aDumpGoesToAnS3DestinationTooAndVerifyNamesAChangedS3Copy() throws Exception {
        client.createBucket(b -> b.bucket("academy-backups"));
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(20)) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: s3-test}
                    backups:
                      destinations:
                        - {name: onprem, type: local, path: onprem}
                        - {name: offsite, type: s3, bucket: academy-backups, %s}
                      sources:
                        - name: academy-db
                          type: mysql
                          mysql: {host: 127.0.0.1, user: root, database: %s}
                          compression: gzip
                          name_pattern: "academy-{date}-{time}"
                    """.formatted(s3.yaml(), db.name));
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            LedgerEntry e = cli.entries("backup").get(0);
            assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
            String sha = CliHarness.payload(e).path("sha256").asText();
            byte[] stored = get(client, "academy-backups", "academy-2026-01-05-0130.sql.gz");
            assertThat(Hashing.sha256Hex(stored)).isEqualTo(sha);
            assertThat(e.artifacts()).extracting(a -> a.location())
                    .contains("s3://academy-backups/academy-2026-01-05-0130.sql.gz");
            assertThat(client.listObjectsV2(b -> b.bucket("academy-backups")).contents()).hasSize(1);

            stored[stored.length / 2] ^= 0x10;
            byte[] flipped = stored;
            client.putObject(b -> b.bucket("academy-backups").key("academy-2026-01-05-0130.sql.gz"),
                    RequestBody.fromBytes(flipped));
            CliRun v = cli.run("backup", "verify");
            assertThat(v.code()).isEqualTo(1);
            assertThat(v.out()).contains("MISMATCH", "offsite: s3://academy-backups/academy-2026-01-05-0130.sql.gz",
                    "1 copy verified, 1 failed");
        }
    }

    @Test
    void anUncompressedDumpIsWrittenInPlaceIntoTheLocalCopyEvenWhenS3ComesFirstAndStreamedToS3() throws Exception {
        client.createBucket(b -> b.bucket("academy-backups"));
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(20)) {
            Path seen = dir.resolve("stdout-was");
            Path w = dir.resolve("where.sh");
            Files.writeString(w, "#!/bin/sh\nf=$(readlink /proc/$$/fd/1)\necho \"$f\" > '" + seen
                    + "'\nexec mariadb-dump \"$@\"\n");
            Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: s3-test}
                    backups:
                      destinations:
                        - {name: offsite, type: s3, bucket: academy-backups, %s}
                        - {name: onprem, type: local, path: onprem}
                      sources:
                        - name: academy-db
                          type: mysql
                          mysql: {host: 127.0.0.1, user: root, database: %s}
                          dump_command: ["%s"]
                          compression: none
                          name_pattern: "academy-{date}-{time}"
                    """.formatted(s3.yaml(), db.name, w));
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).as(r.all()).isZero();
            assertThat(Files.readString(seen).strip()).startsWith(dir.resolve("onprem").toRealPath().toString());
            String sha = CliHarness.payload(cli.entries("backup").get(0)).path("sha256").asText();
            byte[] uploaded = get(client, "academy-backups", "academy-2026-01-05-0130.sql");
            assertThat(Hashing.sha256Hex(uploaded)).isEqualTo(sha);
            assertThat(Hashing.sha256Hex(Files.readAllBytes(dir.resolve("onprem/academy-2026-01-05-0130.sql"))))
                    .isEqualTo(sha);
            assertThat(new String(uploaded, StandardCharsets.UTF_8)).contains("-- Dump completed");
        }
    }

    @Test
    void anUnreachableS3DestinationIsAFailedBackupAndTheLocalCopyIsNotKept() throws Exception {
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(1)) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: s3-test}
                    backups:
                      destinations:
                        - {name: onprem, type: local, path: onprem}
                        - {name: offsite, type: s3, bucket: no-such-bucket, %s}
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                    """.formatted(s3.yaml(), db.name));
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("FAILED  db");
            assertThat(MysqlBackupTest.files(dir.resolve("onprem"))).isEmpty();
            assertThat(cli.entries("backup")).extracting(LedgerEntry::outcome).containsExactly(Outcome.FAILED);
        }
    }

    static List<String> keys(S3Client c, String bucket) {
        return c.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }
}
