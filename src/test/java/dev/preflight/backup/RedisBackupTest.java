package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis RDB snapshots over the replication protocol, validated by us and by redis-check-rdb. */
class RedisBackupTest {
    @TempDir
    Path dir;

    private PrivateRedis redis;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("redis"));
        // No RDB compression, so that a flipped byte in a value cannot be caught by LZF, only by the CRC.
        redis = new PrivateRedis(dir.resolve("redis"), "--requirepass", "s3cret-redis-pw", "--rdbcompression", "no");
        cli = new CliHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
    }

    @AfterEach
    void tearDown() throws Exception {
        redis.close();
    }

    private ProcessResult redisCli(String... args) throws Exception {
        try (LocalProcessRunner r = new LocalProcessRunner(Secrets.none())) {
            List<String> argv = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                    Integer.toString(redis.port)));
            argv.addAll(Arrays.asList(args));
            ProcessResult res = r.run(ProcessSpec.of(argv).withEnv(Map.of("REDISCLI_AUTH", "s3cret-redis-pw")));
            assertThat(res.exitCode()).as(res.stderr()).isZero();
            return res;
        }
    }

    /** Strings, a hash, a list, a set, a sorted set, a stream, an expiring key and a big value, over three databases. */
    private void seed() throws Exception {
        for (int i = 0; i < 25; i++) {
            redisCli("-n", "0", "SET", "k" + i, "value-" + i);
        }
        redisCli("-n", "0", "SET", "big", "x".repeat(100_000));
        redisCli("-n", "0", "SET", "num", "12345");
        redisCli("-n", "0", "SET", "session", "abc", "EX", "3600");
        redisCli("-n", "1", "HSET", "user:1", "name", "ada", "email", "ada@example.com");
        redisCli("-n", "1", "RPUSH", "queue", "a", "b", "c");
        redisCli("-n", "1", "SADD", "tags", "x", "y", "z");
        redisCli("-n", "3", "ZADD", "board", "1.5", "ada", "2", "bob");
        redisCli("-n", "3", "XADD", "events", "*", "type", "login");
        redisCli("-n", "3", "XGROUP", "CREATE", "events", "workers", "0");
        redisCli("-n", "3", "XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "STREAMS", "events", ">");
    }

    private void plan(String mode) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: redis-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - name: academy-cache
                      type: redis
                      redis: {host: 127.0.0.1, port: %d, password: "${REDIS_PW:-s3cret-redis-pw}", mode: %s}
                      name_pattern: "academy-cache-{date}-{time}"
                """.formatted(redis.port, mode));
    }

    private void assertBackupOfSeed(CliRun r) throws Exception {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("s3cret-redis-pw");
        LedgerEntry e = cli.entries("backup").get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
        JsonNode p = CliHarness.payload(e);
        JsonNode facts = p.path("facts");
        assertThat(facts.path("keys_per_db").path("0").asLong()).isEqualTo(28);
        assertThat(facts.path("keys_per_db").path("1").asLong()).isEqualTo(3);
        assertThat(facts.path("keys_per_db").path("3").asLong()).isEqualTo(2);
        assertThat(facts.path("keys").asLong()).isEqualTo(33);
        assertThat(facts.path("crc64_verified").asBoolean()).isTrue();
        assertThat(p.path("retention_until").asText()).isEqualTo("2026-01-12T01:30:00Z");
        for (String d : List.of("onprem", "second")) {
            Path f = dir.resolve(d).resolve("academy-cache-2026-01-05-0130.rdb");
            assertThat(MysqlBackupTest.sha256sum(f)).isEqualTo(p.path("sha256").asText());
            try (LocalProcessRunner run = new LocalProcessRunner(Secrets.none())) {
                ProcessResult check = run.run(ProcessSpec.of("redis-check-rdb", f.toString()));
                assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
                assertThat(check.stdout()).contains("RDB looks OK");
            }
        }
    }

    @Test
    void snapshotOverTheReplicationProtocolPassesOurValidationAndRedisCheckRdb() throws Exception {
        seed();
        plan("sync");
        assertBackupOfSeed(cli.run("backup", "run"));
        JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
        assertThat(facts.path("server_version").asText()).isNotBlank();
        assertThat(facts.path("transfer").asText()).isEqualTo("diskless");
        assertThat(cli.run("backup", "verify").code()).isZero();
    }

    @Test
    void aDiskBasedTransferWithKeepAlivesBeforeThePayloadWorksToo() throws Exception {
        redis.close();
        // Disk-based: the server writes the RDB first (sending newline keep-alives meanwhile), then $<len>.
        redis = new PrivateRedis(dir.resolve("redis"), "--requirepass", "s3cret-redis-pw", "--repl-diskless-sync", "no");
        seed();
        plan("sync");
        assertBackupOfSeed(cli.run("backup", "run"));
        assertThat(CliHarness.payload(cli.entries("backup").get(0)).path("facts").path("transfer").asText())
                .isEqualTo("disk");
    }

    @Test
    void snapshotByRedisCliPassesTheSameValidation() throws Exception {
        seed();
        plan("redis-cli");
        assertBackupOfSeed(cli.run("backup", "run"));
    }

    @Test
    void aWrongPasswordIsAFailedBackupWithNoArtifact() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: redis-test}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: cache, type: redis, redis: {host: 127.0.0.1, port: %d, password: wrong-password}}
                """.formatted(redis.port));
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  cache  AUTH refused");
        assertThat(MysqlBackupTest.files(dir.resolve("onprem"))).isEmpty();
    }

    @Test
    void aToolThatHandsOverATruncatedRdbWithExitZeroIsAFailedBackupWithNoArtifact() throws Exception {
        seed();
        // A fixture around the real redis-cli: fetches the RDB, then cuts 100 bytes off its end, exit 0.
        Path w = dir.resolve("cut-rdb.sh");
        Files.writeString(w, "#!/bin/sh\nredis-cli \"$@\" || exit $?\nfor a do last=\"$a\"; done\n"
                + "truncate -s -100 \"$last\"\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: redis-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: %d, password: s3cret-redis-pw, mode: redis-cli}
                      dump_command: ["%s"]
                      compression: gzip
                """.formatted(redis.port, w));
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  cache  the RDB is not valid: unexpected end of file before the EOF opcode");
        assertThat(MysqlBackupTest.files(dir.resolve("onprem"))).isEmpty();
        assertThat(MysqlBackupTest.files(dir.resolve("second"))).isEmpty();
        assertThat(cli.entries("backup")).extracting(LedgerEntry::outcome).containsExactly(Outcome.FAILED);
    }

    @Test
    void truncatedAndBitFlippedRdbsFailValidation() throws Exception {
        seed();
        plan("sync");
        assertThat(cli.run("backup", "run").code()).isZero();
        byte[] good = Files.readAllBytes(dir.resolve("onprem/academy-cache-2026-01-05-0130.rdb"));
        RdbValidator.Result ok = RdbValidator.validate(new ByteArrayInputStream(good));
        assertThat(ok.keys()).isEqualTo(33);
        assertThat(new String(good, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("REDIS");

        for (int cut : new int[] {3, 9, good.length / 2, good.length - 9, good.length - 1}) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> RdbValidator.validate(new ByteArrayInputStream(truncated)))
                    .as("cut at " + cut).isInstanceOf(RdbValidator.InvalidRdbException.class);
        }
        // A flipped bit inside the big value: the structure still parses, the CRC-64 does not match.
        byte[] flipped = good.clone();
        int at = indexOf(good, "xxxxxxxxxx".getBytes(StandardCharsets.US_ASCII)) + 500;
        flipped[at] ^= 0x04;
        assertThatThrownBy(() -> RdbValidator.validate(new ByteArrayInputStream(flipped)))
                .hasMessageContaining("CRC-64 mismatch");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> RdbValidator.validate(new ByteArrayInputStream(trailing)))
                .hasMessageContaining("bytes after the end");
    }

    @Test
    void aServerWithChecksumsDisabledIsValidatedButNotCalledCrcVerified() throws Exception {
        redis.close();
        redis = new PrivateRedis(dir.resolve("redis"), "--requirepass", "s3cret-redis-pw", "--rdbchecksum", "no");
        redisCli("SET", "a", "1");
        plan("sync");
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
        assertThat(facts.path("crc64_verified").asBoolean()).isFalse();
        assertThat(facts.path("warning").asText()).contains("not CRC-verified");
    }

    @Test
    void crc64IsRedisJonesVariant() {
        Crc64 c = new Crc64();
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        c.update(b, 0, b.length);
        assertThat(c.value()).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
