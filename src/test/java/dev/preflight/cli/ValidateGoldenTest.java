package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins {@code preflight validate --format json} for a valid plan (its counts and sections) and for
 * a plan with problems (every problem, with and without a hint, and the exit code 2).
 */
class ValidateGoldenTest {
    @TempDir
    Path dir;

    private CliRun validate(String yaml) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), yaml);
        return CliRun.of(dir, Map.of(), CliRun.CLOCK, "validate", "--format", "json");
    }

    private Golden golden() {
        return Golden.exact().replacing(dir.toString(), "<dir>");
    }

    @Test
    void validPlanIsPinned() throws Exception {
        CliRun r = validate("""
                version: 1
                project: {name: demo, owner: nobody}
                environments:
                  - name: staging
                    hosts: [{name: a, uri: local}, {name: b, uri: local}]
                  - name: production
                    hosts: [{name: c, uri: local}]
                requirements:
                  - {name: php, tool: custom, command: [echo, "PHP 8.3.6"], pattern: "PHP (?<version>[0-9.]+)", version: "8.3"}
                """);
        assertThat(r.code()).isZero();
        golden().check("plan/validate-valid.json", r.out());
    }

    @Test
    void invalidPlanIsPinned() throws Exception {
        CliRun r = validate("version: 1\nproject: {nam: x}\nenvironments: [{name: a, hosts: [{name: h, uri: 'ftp://x'}]}]\n");
        assertThat(r.code()).isEqualTo(2);
        golden().check("plan/validate-invalid.json", r.out());
    }
}
