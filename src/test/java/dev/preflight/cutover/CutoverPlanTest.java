package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's cutover section (model, every problem located), {@code cutover plan} on the shipped example, and the run section. */
class CutoverPlanTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            version: 1
            project: {name: t}
            environments: [{name: production, hosts: [{name: a, uri: local}]}]
            """;

    private static String problems(Throwable e) {
        return String.join("\n", ((PlanException) e).problems().stream().map(PlanProblem::format).toList());
    }

    @Test
    void theAcademyExampleIsModelled() {
        CutoverPlan cp = PlanLoader.load(Path.of("examples/academy/preflight.yaml"), Map.of())
                .section("cutover", CutoverPlan.class).orElseThrow();
        assertThat(cp.environment()).isEqualTo("production");
        assertThat(cp.loadBalancer().type()).isEqualTo("nginx");
        assertThat(cp.loadBalancer().includeFile()).isEqualTo(Path.of("/etc/nginx/conf.d/academy-upstream.inc"));
        assertThat(cp.loadBalancer().nginx()).containsExactly("nginx");
        assertThat(cp.green().servers()).containsExactly("10.0.2.11:80", "10.0.2.12:80");
        assertThat(cp.green().marker()).isEqualTo("academy-green");
        assertThat(cp.expand().command()).containsExactly("php", "artisan", "migrate", "--force");
        assertThat(cp.expand().contractPattern()).isEqualTo(CutoverPlanParser.DEFAULT_CONTRACT_PATTERN);
        assertThat(cp.promote().sql()).containsExactly("SET GLOBAL read_only=OFF");
        assertThat(cp.stable().window()).isEqualTo(Duration.ofHours(24));
        assertThat(cp.stable().failbackOnBreach()).isTrue();
        assertThat(cp.failbackBound()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cp.backupMaxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(cp.replica().password().toString()).isEqualTo("****");
    }

    @Test
    void everyProblemIsReportedWithItsPosition() {
        String yaml = HEAD + """
                cutover:
                  environment: prod
                  blue: {name: b, health_url: "ftp://x", servers: ["10.0.0.1:80"]}
                  green: {name: g, health_url: "http://g/health"}
                  load_balancer: {type: nginx, upstreem: academy}
                  expand: {command: [php, artisan, migrate], contract_pattern: "(unclosed"}
                  stable: {window: soon, policy: pray}
                  smoke: [{name: home}]
                """;
        assertThatThrownBy(() -> PlanLoader.parse("p.yaml", yaml, dir, Map.of()))
                .isInstanceOf(PlanException.class)
                .satisfies(e -> assertThat(problems(e)).contains(
                        "p.yaml:5:16: cutover.environment: no environment named 'prod' in the plan (one of: production)",
                        "p.yaml:6:31: cutover.blue.health_url: not an http(s) URL: 'ftp://x'",
                        "cutover.load_balancer.upstreem: unknown key 'upstreem' (did you mean 'upstream'?)",
                        "cutover.load_balancer.include_file: required for this load balancer type",
                        "cutover.green.servers: required for load balancer type",
                        "cutover.expand.contract_pattern: not a regular expression",
                        "cutover.replica: required when expand or promote is configured",
                        "cutover.stable.window: not a duration: 'soon'",
                        "cutover.stable.policy: bad value 'pray'",
                        "cutover.smoke[0].url: required field is missing"));
    }

    @Test
    void eachLoadBalancerTypeNeedsItsOwnFields() {
        String yaml = HEAD + """
                cutover:
                  environment: production
                  blue: {name: b, health_url: "http://b/health", servers: [blue]}
                  green: {name: g, health_url: "http://g/health", servers: [blue]}
                  load_balancer: {type: haproxy}
                """;
        assertThatThrownBy(() -> PlanLoader.parse("p.yaml", yaml, dir, Map.of()))
                .satisfies(e -> assertThat(problems(e)).contains("cutover.load_balancer.socket: required for this load balancer type",
                        "cutover.load_balancer.backend: required for this load balancer type",
                        "cutover.green.servers: server 'blue' is in both blue and green"));
        String cmd = HEAD + """
                cutover:
                  environment: production
                  blue: {name: b, health_url: "http://b/health"}
                  green: {name: g, health_url: "http://g/health"}
                  load_balancer: {type: command, switch_to_blue: []}
                """;
        assertThatThrownBy(() -> PlanLoader.parse("p.yaml", cmd, dir, Map.of()))
                .satisfies(e -> assertThat(problems(e)).contains("cutover.load_balancer.switch_to_blue: must not be empty",
                        "cutover.load_balancer.switch_to_green: required for this load balancer type"));
    }

    @Test
    void cutoverPlanOnTheShippedExamplePrintsEveryStepAndTouchesNothing() throws Exception {
        // The whole example (its app/ and docs/ are part of the plan), without any ledger of its own.
        Path src = Path.of("examples/academy");
        try (var files = Files.walk(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = src.relativize(f);
                if (rel.toString().startsWith(".preflight")) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dir.resolve(rel.toString()));
                } else {
                    Files.copy(f, dir.resolve(rel.toString()));
                }
            }
        }
        Path copy = dir.resolve("preflight.yaml");
        CutoverCli cli = new CutoverCli(dir);
        CliRun r = cli.run("--plan", copy.toString(), "cutover", "plan");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("Cutover plan for production: academy-blue (blue) -> academy-green (green), load balancer nginx",
                "1. prepare -> green-prepared", "2. expand -> expanded", "3. promote -> promoted", "4. switch -> switched",
                "5. stable -> stable", "6. contract -> contracted", "7. failback -> failed-back",
                "GET https://green.academy.internal/health -> 200",
                "snapshot migrations (id, migration, batch) on mysql://academy-replica.academy.internal:3306/academy",
                "run php artisan migrate --force", "SET GLOBAL read_only=OFF",
                "smoke: GET https://green.academy.internal/login -> 200 within 2000 ms",
                "write /etc/nginx/conf.d/academy-upstream.inc atomically (temp, fsync, rename): upstream academy -> 10.0.2.11:80, 10.0.2.12:80",
                "run nginx -t", "run nginx -s reload", "on a breach: fail back to blue automatically",
                "WARNING: the point of no return", "record the elapsed time against failback_bound 5m",
                "Nothing was run");
        assertThat(dir.resolve(".preflight")).doesNotExist();
        CliRun json = cli.run("--plan", copy.toString(), "--format", "json", "cutover", "plan");
        assertThat(json.code()).isZero();
        assertThat(Json.parse(json.out()).path("steps")).hasSize(7);
        CliRun md = cli.run("--plan", copy.toString(), "--format", "markdown", "cutover", "plan");
        assertThat(md.out()).contains("## 4. switch");
        assertThat(cli.run("--plan", copy.toString(), "--format", "junit", "cutover", "plan").code()).isEqualTo(2);
    }

    @Test
    void theSchemaDescribesTheSection() throws Exception {
        CliRun r = new CutoverCli(dir).run("schema");
        var cutover = Json.parse(r.out()).path("properties").path("cutover");
        assertThat(cutover.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(cutover.path("properties").path("load_balancer").path("properties").path("type")
                        .path("anyOf").get(0).path("enum").toString())
                .isEqualTo("[\"nginx\",\"haproxy\",\"command\"]");
        assertThat(cutover.path("required").toString()).contains("environment", "load_balancer");
    }

    @Test
    void aPlanWithoutCutoverIsAUsageError() throws Exception {
        CutoverCli cli = new CutoverCli(dir);
        Files.writeString(dir.resolve("preflight.yaml"), HEAD);
        CliRun r = cli.run("cutover", "status");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the plan has no cutover section");
    }

    @Test
    void theRunSectionReportsReadinessAndNeverMovesTraffic() throws Exception {
        try (ColourServer blue = new ColourServer("blue"); ColourServer green = new ColourServer("green")) {
            CutoverCli cli = new CutoverCli(dir);
            cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), ""));
            CliRun r = cli.run("run");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("cutover", "FAILED", "no failback within the bound (5m) is on record");
            assertThat(CommandLb.active(dir)).isEqualTo("blue");
            try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "t@h", cli.clock)) {
                l.append(NewEntry.of("failback-drill", "staging", Outcome.PASSED, "failback in 812 ms (bound 5m)",
                        Map.of("project", "cutover-test")));
            }
            CliRun ok = cli.run("run");
            assertThat(ok.code()).as(ok.all()).isZero();
            assertThat(ok.out()).contains("PASSED", "load balancer command; no cutover of staging has begun (start one with 'preflight cutover start'); failback drill on record: staging");
            assertThat(CommandLb.active(dir)).isEqualTo("blue");
            assertThat(cli.entries("cutover-readiness")).hasSize(2);
            assertThat(cli.entries(CutoverHistory.KIND)).isEmpty();
        }
    }
}
