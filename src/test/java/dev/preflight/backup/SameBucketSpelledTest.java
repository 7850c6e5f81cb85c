package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two S3 destinations that are one bucket and prefix on one service are one place, however the
 * endpoint is spelled: before, the endpoints were compared as text, so {@code localhost} and
 * {@code 127.0.0.1}, an explicit default port, or AWS named by its default and by a regional
 * endpoint (bucket names are global there) passed as two places, and each backup's second copy was
 * written beside the first (suffixed) in the same bucket: "two copies" that were one place.
 */
class SameBucketSpelledTest {
    @TempDir
    Path dir;

    private static String dest(String name, String endpoint) {
        return "    - {name: " + name + ", type: s3, bucket: academy-backups, prefix: nightly, region: eu-west-1"
                + (endpoint.isEmpty() ? "" : ", endpoint: \"" + endpoint + "\"") + "}\n";
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:9000, http://localhost:9000/",
        "http://minio.internal, HTTP://Minio.Internal:80",
        "https://minio.internal/, https://minio.internal:443",
        "'', https://s3.eu-west-1.amazonaws.com",
        "https://s3.amazonaws.com, https://s3.us-east-2.amazonaws.com"})
    void oneBucketOnOneServiceSpelledTwoWaysIsAValidateError(String a, String b) throws Exception {
        CliRun v = validate(a, b);
        assertThat(v.code()).as(v.all()).isEqualTo(2);
        assertThat(v.all()).contains("destinations 'first' and 'second' are the same bucket and prefix");
    }

    @Test
    void anotherHostOrPortIsAnotherService() throws Exception {
        for (String[] pair : new String[][] {{"http://127.0.0.1:9000", "http://127.0.0.1:9001"},
                {"http://minio-a.internal", "http://minio-b.internal"}}) {
            CliRun v = validate(pair[0], pair[1]);
            assertThat(v.code()).as(v.all()).isZero();
        }
    }

    /** {@code validate} of a plan with two S3 destinations on the endpoints {@code a} and {@code b}. */
    private CliRun validate(String a, String b) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: spelled}
                backups:
                  destinations:
                %s%s  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: 6379}
                """.formatted(dest("first", a), dest("second", b)));
        return new CliHarness(dir, Instant.parse("2026-11-20T01:30:00Z")).run("validate");
    }
}
