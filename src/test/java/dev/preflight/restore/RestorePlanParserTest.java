package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restore_test section: the examples' shapes and precise problems. */
class RestorePlanParserTest {
    @TempDir
    Path dir;

    @Test
    void theExamplesRead() {
        Plan academy = PlanLoader.load(Path.of("examples/academy/preflight.yaml"), Map.of());
        RestorePlan a = academy.section("restore_test", RestorePlan.class).orElseThrow();
        assertThat(a.source()).isEqualTo("academy-db");
        assertThat(a.target().endpoint().host()).isEqualTo("staging-db.academy.internal");
        assertThat(a.target().endpoint().database()).isNull();
        assertThat(a.rowCountTolerance()).isEqualTo(0.05);
        assertThat(a.parallel()).isEqualTo(RestorePlan.DEFAULT_PARALLEL);
        assertThat(a.sqlChecks()).singleElement().satisfies(c -> assertThat(c.expect().text()).isEqualTo("> 0"));
        assertThat(a.httpChecks()).singleElement().satisfies(h -> {
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.maxLatency()).isEqualTo(Duration.ofSeconds(2));
        });
        Plan local = PlanLoader.load(Path.of("examples/local-services/preflight.yaml"), Map.of());
        RestorePlan l = local.section("restore_test", RestorePlan.class).orElseThrow();
        assertThat(l.sources()).containsExactly("test-db", "cache");
    }

    @Test
    void problemsNameTheirPlace() throws Exception {
        Files.writeString(dir.resolve("p.yaml"), """
                version: 1
                project: {name: x}
                restore_test:
                  source: db
                  row_count_tolerance: 2
                  parallel: 0
                  sql_checks:
                    - {name: a, sql: "SELECT 1", expect: "> many"}
                    - {name: a, sql: "SELECT 1", expect: "1"}
                  http_checks:
                    - {name: h, url: "ftp://x", max_latency: soon}
                  redis: {sorce: cache}
                """);
        PlanException e = Assertions.catchThrowableOfType(
                () -> PlanLoader.load(dir.resolve("p.yaml"), Map.of()), PlanException.class);
        String all = String.join("\n", e.problems().stream().map(PlanProblem::format).toList());
        assertThat(all).contains("restore_test.target: required field is missing",
                "restore_test.row_count_tolerance: out of range: 2",
                "restore_test.parallel: out of range: 0",
                "restore_test.sql_checks[0].expect: 'many' is not a number",
                "restore_test.sql_checks[1].name: duplicate check 'a'",
                "restore_test.http_checks[0].url: not an http(s) URL",
                "restore_test.http_checks[0].max_latency",
                "restore_test.redis.sorce: unknown key 'sorce' (did you mean 'source'?)");
    }
}
