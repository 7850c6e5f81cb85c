package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.backup.CopyCheck.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two S3 destinations that the plan spells as two servers but that are one server under two names
 * (here 127.0.0.1 and its IPv4-mapped IPv6 spelling) would hold one object, not two copies: the
 * backup asks the servers and refuses; two real servers pass.
 */
class S3SamePlaceTest {
    private static final byte[] DUMP = "-- dump\n".getBytes(StandardCharsets.UTF_8);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-05T01:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private BackupPlan plan(String first, String second) throws Exception {
        String creds = "region: us-east-1, path_style: true, access_key: \"" + InProcessS3.ACCESS + "\", secret_key: \""
                + InProcessS3.SECRET + "\"";
        return BackupTestKit.plan(dir, """
                version: 1
                project: {name: s3-place}
                backups:
                  destinations:
                    - {name: primary, type: s3, endpoint: "%s", bucket: backups, prefix: db/, %s}
                    - {name: offsite, type: s3, endpoint: "%s", bucket: backups, prefix: db/, %s}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: app}}
                """.formatted(first, creds, second, creds));
    }

    private BackupContext context(BackupPlan plan, Ledger ledger) {
        return new BackupContext(plan, ledger, CLOCK, BackupFactories.stores(), BackupTestKit.fixed(DUMP), null,
                Secrets.none());
    }

    private RunResult backup(String first, String second) throws Exception {
        BackupPlan plan = plan(first, second);
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", CLOCK)) {
            return new BackupRun(context(plan, ledger)).run(plan.source("db").orElseThrow());
        }
    }

    private List<CopyCheck> verify(String first, String second) throws Exception {
        BackupPlan plan = plan(first, second);
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", CLOCK)) {
            BackupContext ctx = context(plan, ledger);
            return new BackupVerify(ctx).verify(new BackupCatalog(ctx).all());
        }
    }

    private static List<String> keys(S3Client c) {
        return c.listObjectsV2(r -> r.bucket("backups")).contents().stream().map(S3Object::key).toList();
    }

    @Test
    void oneServerUnderTwoNamesIsOnePlaceAndNothingIsWritten() throws Exception {
        try (InProcessS3 s3 = new InProcessS3(); S3Client c = s3.client()) {
            c.createBucket(b -> b.bucket("backups"));
            String port = s3.endpoint.substring(s3.endpoint.lastIndexOf(':') + 1);

            RunResult r = backup(s3.endpoint, "http://[::ffff:127.0.0.1]:" + port);

            assertThat(r.failure()).contains("destinations 'primary' (" + s3.endpoint + ") and 'offsite' "
                    + "(http://[::ffff:127.0.0.1]:" + port + ") are one place under two names",
                    "one place holds one copy, not two; nothing was written");
            assertThat(r.copies()).isEmpty();
            // Nothing left behind, the marker included.
            assertThat(keys(c)).isEmpty();
        }
    }

    @Test
    void twoServersWithTheSameBucketAndPrefixAreTwoPlaces() throws Exception {
        try (InProcessS3 a = new InProcessS3(); InProcessS3 b = new InProcessS3(); S3Client ca = a.client();
             S3Client cb = b.client()) {
            ca.createBucket(r -> r.bucket("backups"));
            cb.createBucket(r -> r.bucket("backups"));

            RunResult r = backup(a.endpoint, b.endpoint);

            assertThat(r.failure()).isNull();
            assertThat(r.copies()).hasSize(2);
            assertThat(keys(ca)).singleElement().asString().startsWith("db/db-").endsWith(".sql");
            assertThat(keys(cb)).singleElement().asString().startsWith("db/db-").endsWith(".sql");
        }
    }

    /**
     * Copies written to two real servers, then the second server's name is pointed at the first (a
     * DNS change, a retired box): verify re-hashed the same object twice and called it two intact
     * copies. It asks the servers, as the backup run does, and marks both copies one physical file;
     * with two servers again, both are intact copies.
     */
    @Test
    void verifyAsksTheServersTooWhenTheCopiesWereWrittenBeforeTheNamesMet() throws Exception {
        try (InProcessS3 a = new InProcessS3(); InProcessS3 b = new InProcessS3(); S3Client ca = a.client();
             S3Client cb = b.client()) {
            ca.createBucket(r -> r.bucket("backups"));
            cb.createBucket(r -> r.bucket("backups"));
            assertThat(backup(a.endpoint, b.endpoint).failure()).isNull();

            assertThat(verify(a.endpoint, b.endpoint)).extracting(CopyCheck::status).containsOnly(Status.OK);

            String port = a.endpoint.substring(a.endpoint.lastIndexOf(':') + 1);
            List<CopyCheck> checks = verify(a.endpoint, "http://[::ffff:127.0.0.1]:" + port);
            assertThat(checks).hasSize(2).extracting(CopyCheck::status).containsOnly(Status.SAME_FILE);
            assertThat(checks.get(1).detail()).contains("the same file as the copy in primary",
                    "one physical file is not two copies");
            // The marker was deleted again.
            assertThat(keys(ca)).singleElement().asString().startsWith("db/db-");
        }
    }
}
