package dev.preflight.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanLoaderTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml, Map<String, String> env) {
        try {
            PlanLoader.parse("p.yaml", yaml, dir, env);
        } catch (PlanException e) {
            return e.problems().stream().map(PlanProblem::format).toList();
        }
        throw new AssertionError("expected problems");
    }

    @Test
    void everyKindOfProblemIsReportedAtOnceWithPositionAndPath() {
        String yaml = """
                version: 2
                project:
                  nmae: academy
                ledgr: {}
                ledger:
                  url: ftp://x
                environments:
                  - name: staging
                    hosts:
                      - {name: a, uri: "ssh://nobody"}
                      - {name: a, uri: "telnet://x@y"}
                      - {name: b}
                  - name: staging
                    hosts: local
                  - [oops]
                risks:
                  password: ${UNDEFINED_VAR}
                  key: ${file:missing-secret}
                  other: "${bad var}"
                """;
        List<String> got = problems(yaml, Map.of());
        assertThat(got).containsExactly(
                "p.yaml:1:10: version: unsupported plan version '2' (this Preflight reads version 1)",
                "p.yaml:3:3: project.nmae: unknown key 'nmae' (did you mean 'name'?)",
                "p.yaml:3:3: project.name: required field is missing (add 'name: ...')",
                "p.yaml:4:1: ledgr: unknown key 'ledgr' (did you mean 'ledger'?)",
                "p.yaml:6:8: ledger.url: unsupported ledger URL (use sqlite:PATH or jdbc:postgresql://host:5432/db)",
                "p.yaml:10:24: environments[0].hosts[0].uri: host URI 'ssh://nobody' names no user (expected ssh://user@host:port)",
                "p.yaml:11:16: environments[0].hosts[1].name: duplicate host name 'a' (host names must be unique within an environment)",
                "p.yaml:11:24: environments[0].hosts[1].uri: unsupported host URI 'telnet://x@y': only 'local' and 'ssh://user@host:port' are supported",
                "p.yaml:12:9: environments[0].hosts[2].uri: required field is missing (add 'uri: ...')",
                "p.yaml:13:11: environments[1].name: duplicate environment name 'staging' (environment names must be unique)",
                "p.yaml:14:12: environments[1].hosts: expected a list of hosts, got 'local'",
                "p.yaml:15:5: environments[2]: expected a mapping, got a list",
                "p.yaml:17:13: risks.password: environment variable UNDEFINED_VAR is not set (export UNDEFINED_VAR, or write ${UNDEFINED_VAR:-default})",
                "p.yaml:18:8: risks.key: cannot read secret file " + dir.resolve("missing-secret")
                        + " (NoSuchFileException) (check the path in ${file:...})",
                "p.yaml:19:10: risks.other: bad interpolation '${bad var}' (use ${VAR}, ${VAR:-default} or ${file:/path})");
    }

    @Test
    void requirementsAreValidatedIncludingEnums() {
        String yaml = """
                version: 1
                project: {name: x}
                requirements:
                  - {tool: nodejs, version: "20"}
                  - {tool: mysql-server, version: ">=8.0.36 <8.1", flavor: oracle}
                  - {tool: php}
                  - {tool: custom, version: "1", pattern: "v([0-9]+"}
                  - {tool: redis, version: "7", colour: red}
                  - {tool: redis, version: "7"}
                environments:
                  - name: e
                    requirements: oops
                """;
        assertThat(problems(yaml, Map.of())).containsExactly(
                "p.yaml:4:12: requirements[0].tool: unknown tool 'nodejs' (did you mean 'node'? one of: php, node, npm, "
                        + "composer, mysql, mysql-server, mariadb, redis-server, redis, nginx, flutter, git, java, custom)",
                "p.yaml:5:60: requirements[1].flavor: bad value 'oracle' (one of: mysql, mariadb)",
                "p.yaml:6:5: requirements[2].version: required field is missing (add 'version: ...')",
                "p.yaml:7:5: requirements[3].name: required for a custom tool (name the requirement)",
                "p.yaml:7:5: requirements[3].command: required for a custom tool (give the probe as an argv list)",
                "p.yaml:7:43: requirements[3].pattern: not a valid regular expression: Unclosed group (at index 8)",
                "p.yaml:8:33: requirements[4].colour: unknown key 'colour' "
                        + "(allowed here: tool, name, version, flavor, command, pattern, hosts, tags)",
                "p.yaml:9:12: requirements[5]: duplicate requirement 'redis' (give one of them a distinct 'name')",
                "p.yaml:12:19: environments[0].requirements: expected a list of requirements, got 'oops'");
    }

    @Test
    void yamlSyntaxErrorHasItsPosition() {
        assertThat(problems("version: 1\nproject: {name: x\n", Map.of())).singleElement().asString()
                .startsWith("p.yaml:3:1: (root): YAML syntax error");
    }

    @Test
    void missingTopLevelFieldsAndDuplicateKeys() {
        assertThat(problems("ledger: {}\nledger: {}\n", Map.of())).containsExactly(
                "p.yaml:1:1: version: required field is missing (add 'version: 1')",
                "p.yaml:1:1: project: required field is missing (add 'project: {name: ...}')",
                "p.yaml:2:1: ledger: duplicate key 'ledger' (each key may appear once)");
    }

    @Test
    void interpolationFillsValuesAndMarksThemSecret() throws Exception {
        Files.writeString(dir.resolve("token"), "file-secret-value\n");
        Plan plan = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: "x", owner: "lit $${NOT_A_VAR}"}
                ledger: {url: "jdbc:postgresql://db/p?password=${PGPASS}"}
                gates: {token: "${file:token}", other: "${MISSING:-fallback-value}"}
                """, dir, Map.of("PGPASS", "s3cr3t-pg"));
        assertThat(plan.project().owner()).isEqualTo("lit ${NOT_A_VAR}");
        assertThat(plan.ledger().url().value()).isEqualTo("jdbc:postgresql://db/p?password=s3cr3t-pg");
        assertThat(plan.secrets().redact("a s3cr3t-pg b file-secret-value c fallback-value"))
                .isEqualTo("a **** b **** c ****");
        assertThat(plan.toString()).doesNotContain("s3cr3t-pg");
        assertThat(plan.sections()).containsExactly("gates");
    }

    @Test
    void bothExamplePlansAreValid() {
        Plan academy = PlanLoader.load(Path.of("examples/academy/preflight.yaml"), Map.of());
        assertThat(academy.project().name()).isEqualTo("academy");
        assertThat(academy.environments()).extracting(Plan.Environment::name).containsExactly("staging", "production");
        assertThat(academy.sections()).contains("requirements", "backups", "restore_test", "dependencies",
                "feature_flags", "cutover", "change_window", "gates", "risks");
        Plan quick = PlanLoader.load(Path.of("examples/quickstart/preflight.yaml"), Map.of());
        assertThat(quick.environments().get(0).hosts().get(0).uri().isLocal()).isTrue();
    }

    @Test
    void unreadablePlanIsAProblemNotACrash() {
        assertThatThrownBy(() -> PlanLoader.load(dir.resolve("nope.yaml"), Map.of()))
                .isInstanceOf(PlanException.class).hasMessageContaining("cannot read the plan file");
    }
}
