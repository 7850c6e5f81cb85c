package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Json;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The shipped examples stay valid: plans load, and the CI workflow calls commands that parse. */
class ExamplesTest {
    @Test
    @SuppressWarnings("unchecked")
    void ciWorkflowRunsTheAuditJobWithOptionsTheCliAccepts() throws Exception {
        String text = Files.readString(Path.of("examples/ci/preflight-audit.yml"));
        Map<String, Object> wf = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
        Map<String, Object> jobs = (Map<String, Object>) wf.get("jobs");
        assertThat(jobs).containsKey("preflight-audit");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) jobs.get("preflight-audit")).get("steps");
        String run = steps.stream().map(s -> String.valueOf(s.get("run"))).filter(r -> r.contains("--format junit"))
                .findFirst().orElseThrow();
        assertThat(run).contains("audit --env");
        // The same options, parsed by the real command line (nothing executed).
        var cl = Cli.commandLine(new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                Map.of(), Clock.systemUTC(), Path.of("."), false));
        var parsed = cl.parseArgs("--plan", "examples/academy/preflight.yaml", "--format", "junit", "-o", "a.xml",
                "audit", "--env", "staging");
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("audit");
    }

    /** Tried from a checkout, an example writes only inside its own directory (#19: not /backups, not tracked files). */
    @Test
    void exampleBackupsWriteOnlyUnderTheExamplesOwnIgnoredDirectory() {
        for (String plan : List.of("examples/academy/preflight.yaml", "examples/quickstart/preflight.yaml",
                "examples/local-services/preflight.yaml")) {
            Plan p = PlanLoader.load(Path.of(plan).toAbsolutePath(), Map.of());
            Path home = p.baseDir().toAbsolutePath().normalize();
            p.section("backups", BackupPlan.class).ifPresent(b -> {
                List<Path> written = new ArrayList<>(List.of(b.log()));
                b.destinations().stream().filter(d -> d instanceof BackupPlan.LocalDestination)
                        .forEach(d -> written.add(((BackupPlan.LocalDestination) d).path()));
                for (Path w : written) {
                    Path abs = home.resolve(w).normalize();
                    assertThat(abs.startsWith(home.resolve(".preflight"))).as(plan + ": " + abs).isTrue();
                }
            });
        }
    }

    @Test
    void examplePlansValidate() {
        for (String plan : List.of("examples/academy/preflight.yaml", "examples/quickstart/preflight.yaml")) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), Map.of(), Clock.systemUTC(),
                    Path.of("."), false), "--plan", plan, "validate");
            assertThat(code).as(plan + ": " + err).isZero();
            assertThat(out.toString()).contains("is a valid plan");
        }
    }

    /** The schema editors use must not reject what the shipped plans (which Preflight accepts) contain. */
    @Test
    @SuppressWarnings("unchecked")
    void everyKeyOfTheExamplePlansIsInTheSchema() throws Exception {
        JsonNode schema = Json.parse(PlanSchema.json());
        for (String plan : List.of("examples/academy/preflight.yaml", "examples/quickstart/preflight.yaml",
                "examples/local-services/preflight.yaml")) {
            Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(Path.of(plan)));
            checkKeys(plan, "", doc, schema);
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkKeys(String plan, String path, Object value, JsonNode schema) {
        if (value instanceof Map<?, ?> m && schema.has("properties")) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (schema.path("additionalProperties").asBoolean(true)) {
                    continue;
                }
                assertThat(schema.path("properties").has(key)).as(plan + ": " + path + "." + key + " is not in the schema").isTrue();
                checkKeys(plan, path + "." + key, e.getValue(), schema.path("properties").path(key));
            }
        } else if (value instanceof List<?> l && schema.has("items")) {
            for (Object item : l) {
                checkKeys(plan, path + "[]", item, schema.path("items"));
            }
        }
    }
}
