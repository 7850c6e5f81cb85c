package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code backups} section: the examples' shape, defaults, and every problem at once. */
class BackupPlanParserTest {
    @TempDir
    Path dir;

    @Test
    void theAcademyExampleReadsWithRunbookRetentions() {
        // Production gives the log's path in the environment; tried from a checkout it stays in .preflight/.
        Plan plan = PlanLoader.load(Path.of("examples/academy/preflight.yaml"), Map.of());
        BackupPlan b = plan.section("backups", BackupPlan.class).orElseThrow();
        assertThat(b.log()).isEqualTo(Path.of("examples/academy/.preflight/backup-log.md").toAbsolutePath().normalize());
        Plan production = PlanLoader.load(Path.of("examples/academy/preflight.yaml"),
                Map.of("BACKUP_LOG", "docs/upgrade/backups/backup-log.md"));
        assertThat(production.section("backups", BackupPlan.class).orElseThrow().log())
                .isEqualTo(Path.of("examples/academy/docs/upgrade/backups/backup-log.md").toAbsolutePath().normalize());
        assertThat(b.destinations()).extracting(BackupPlan.Destination::name).containsExactly("onprem", "offsite");
        assertThat(b.sources()).extracting(BackupPlan.Source::name)
                .containsExactly("academy-db", "academy-cache", "academy-assets");
        BackupPlan.Source db = b.source("academy-db").orElseThrow();
        assertThat(db.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(db.gzip()).isTrue();
        assertThat(db.mysql().endpoint().database()).isEqualTo("academy");
        assertThat(db.mysql().endpoint().password()).isNull();
        assertThat(b.source("academy-cache").orElseThrow().retention()).isEqualTo(Duration.ofDays(7));
        assertThat(b.source("academy-assets").orElseThrow().s3().targetBucket()).isEqualTo("academy-assets-backup-{date}");
    }

    @Test
    void theLocalServicesExampleReads() {
        Plan plan = PlanLoader.load(Path.of("examples/local-services/preflight.yaml"), Map.of());
        BackupPlan b = plan.section("backups", BackupPlan.class).orElseThrow();
        assertThat(b.sources()).extracting(s -> s.kind().id()).contains("mysql", "redis");
        assertThat(b.destinations()).hasSize(2);
    }

    @Test
    void defaultsApplyWhenThePlanSaysLittle() throws Exception {
        Files.writeString(dir.resolve("p.yaml"), """
                version: 1
                project: {name: x}
                backups:
                  destinations: [{name: d, type: local, path: out}]
                  sources:
                    - {name: cache, type: redis, redis: {}}
                    - {name: db, type: mysql, mysql: {database: app}}
                """);
        BackupPlan b = PlanLoader.load(dir.resolve("p.yaml"), Map.of()).section("backups", BackupPlan.class).orElseThrow();
        assertThat(b.log()).isEqualTo(dir.resolve("docs/upgrade/backups/backup-log.md"));
        assertThat(b.source("cache").orElseThrow().retention()).isEqualTo(Duration.ofDays(7));
        assertThat(b.source("cache").orElseThrow().redis().port()).isEqualTo(6379);
        assertThat(b.source("db").orElseThrow().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(b.source("db").orElseThrow().mysql().endpoint().port()).isEqualTo(3306);
        assertThat(b.source("db").orElseThrow().namePattern()).isEqualTo("{source}-{date}-{time}");
        assertThat(b.destinationsOf(b.source("db").orElseThrow())).hasSize(1);
    }

    @Test
    void everyProblemIsReportedWithPositionAndPath() throws Exception {
        Files.writeString(dir.resolve("p.yaml"), """
                version: 1
                project: {name: x}
                backups:
                  destinations:
                    - {name: d, type: local}
                    - {name: d, type: ftp}
                    - {name: e, type: local, path: x, bucket: b}
                  sources:
                    - {name: db, type: mysql, redis: {}, retention: forever}
                    - {name: "a/b", type: redis, redis: {port: 99999}, compression: zip, destinations: [nowhere]}
                    - {name: c, type: mysql, mysql: {host: h, colour: red}, name_pattern: "x/{date}"}
                """);
        List<String> got;
        try {
            PlanLoader.load(dir.resolve("p.yaml"), Map.of());
            throw new AssertionError("expected problems");
        } catch (PlanException e) {
            got = e.problems().stream().map(PlanProblem::format).toList();
        }
        assertThat(String.join("\n", got)).contains(
                "p.yaml:5:7: backups.destinations[0].path: required field is missing",
                "p.yaml:6:14: backups.destinations[1].name: duplicate destination 'd'",
                "p.yaml:6:23: backups.destinations[1].type: bad value 'ftp'",
                "p.yaml:7:47: backups.destinations[2].bucket: not a setting of a local destination",
                "backups.sources[0].redis: 'redis' settings on a source of type mysql",
                "backups.sources[0].mysql: required field is missing",
                "backups.sources[0].retention: not a duration: 'forever'",
                "backups.sources[1].name: bad name 'a/b'",
                "backups.sources[1].redis.port: out of range: 99999",
                "backups.sources[1].compression: bad value 'zip'",
                "backups.sources[1].destinations[0]: no destination named 'nowhere'",
                "backups.sources[2].mysql.colour: unknown key 'colour'",
                "backups.sources[2].mysql.database: required field is missing",
                "backups.sources[2].name_pattern: bad name pattern 'x/{date}'");
    }
    private List<String> problems(String backups) throws Exception {
        Files.writeString(dir.resolve("p.yaml"), "version: 1\nproject: {name: x}\nbackups:\n" + backups);
        try {
            PlanLoader.load(dir.resolve("p.yaml"), Map.of());
            return List.of();
        } catch (PlanException e) {
            return e.problems().stream().map(PlanProblem::format).toList();
        }
    }

    @Test
    void destinationsThatAreOnePlaceAreRefusedAtTheSecondNamingTheFirst() throws Exception {
        Files.createDirectories(dir.resolve("disk-a"));
        Files.createSymbolicLink(dir.resolve("link-to-a"), dir.resolve("disk-a"));
        String real = dir.toRealPath().toString();
        assertThat(String.join("\n", problems("""
                  destinations:
                    - {name: a, type: local, path: disk-a}
                    - {name: b, type: local, path: link-to-a}
                    - {name: c, type: local, path: disk-a/nested}
                    - {name: d, type: local, path: elsewhere}
                  sources: [{name: db, type: mysql, mysql: {database: app}}]
                """))).contains(
                "p.yaml:6:36: backups.destinations[1].path: destinations 'a' and 'b' are the same directory ("
                        + real + "/disk-a): one place holds one copy, not two",
                "p.yaml:7:36: backups.destinations[2].path: destinations 'a' and 'c' are nested directories ("
                        + real + "/disk-a/nested is inside " + real + "/disk-a)")
                .doesNotContain("'d'");
    }

    @Test
    void bucketsMustDifferInBucketOrPrefixAndNotNest() throws Exception {
        List<String> got = problems("""
                  destinations:
                    - {name: a, type: s3, bucket: b1, prefix: backups}
                    - {name: b, type: s3, bucket: b1, prefix: /backups/}
                    - {name: c, type: s3, bucket: b1, prefix: backups/db}
                    - {name: d, type: s3, bucket: b1, prefix: backups2}
                    - {name: e, type: s3, bucket: b2, prefix: backups}
                    - {name: f, type: s3, bucket: b1, prefix: backups, endpoint: "http://minio:9000"}
                  sources: [{name: db, type: mysql, mysql: {database: app}}]
                """);
        assertThat(String.join("\n", got)).contains(
                "backups.destinations[1].prefix: destinations 'a' and 'b' are the same bucket and prefix (s3://b1/backups/)",
                "backups.destinations[2].prefix: destinations 'a' and 'c' are nested prefixes of one bucket");
        assertThat(got).hasSize(2);
    }

    @Test
    void anEmptyListOfDestinationsOrSourcesIsAPlanErrorNotACrashLater() throws Exception {
        assertThat(String.join("\n", problems("""
                  destinations: []
                  sources: []
                """))).contains(
                "p.yaml:4:17: backups.destinations: no destinations: a backup must be stored somewhere",
                "p.yaml:5:12: backups.sources: no sources: nothing would be backed up");
    }
}
