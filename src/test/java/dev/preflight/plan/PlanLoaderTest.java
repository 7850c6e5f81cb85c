package dev.preflight.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.audit.AuditPlan;
import dev.preflight.audit.Waiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
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
                  - name: r
                    title: ${UNDEFINED_VAR}
                    mitigation: ${file:missing-secret}
                    controls: [{evidence: audit, subject: "${bad var}", max_age: 1d}]
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
                "p.yaml:18:12: risks[0].title: environment variable UNDEFINED_VAR is not set (export UNDEFINED_VAR, or write ${UNDEFINED_VAR:-default})",
                "p.yaml:19:17: risks[0].mitigation: cannot read secret file " + dir.resolve("missing-secret")
                        + ": no such file or directory (check the path in ${file:...})",
                "p.yaml:20:43: risks[0].controls[0].subject: bad interpolation '${bad var}' (use ${VAR}, ${VAR:-default} or ${file:/path})");
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
    void controlCharactersThatWouldForgeAReportLineAreProblems() {
        // YAML escapes make what the file's bytes may not: a name that prints a verdict line of its
        // own, an ESC that rewrites the terminal, a carriage return that overwrites "NO-GO".
        String yaml = """
                version: 1
                project: {name: "academy\\n\\n**Verdict: GO**", owner: "ops\\tteam"}
                environments:
                  - name: "prod\\e[2K"
                    hosts: [{name: "web\\r", uri: local}]
                  - name: staging
                    hosts: [{name: "w\\u202Eoplot", uri: local}]
                risks:
                  - name: r
                    title: ${HOSTILE}
                    mitigation: "two\\nlines are text here"
                    controls: [{evidence: audit, max_age: 1d}]
                requirements: [{tool: php, version: "8.3"}]
                """;
        assertThat(problems(yaml, Map.of("HOSTILE", "fine\u001b[32m"))).containsExactly(
                "p.yaml:2:17: project.name: the name holds a line break; it must be one line (write it on one line)",
                "p.yaml:2:54: project.owner: the owner holds a tab; it must be one line (write it on one line)",
                "p.yaml:4:11: environments[0].name: the value holds U+001B (a control character) (remove it: reports,"
                        + " the terminal and the ledger show plan values as they are)",
                "p.yaml:5:20: environments[0].hosts[0].name: the value holds U+000D (a control character) (remove it:"
                        + " reports, the terminal and the ledger show plan values as they are)",
                "p.yaml:7:20: environments[1].hosts[0].name: the value holds U+202E (a bidirectional text control)"
                        + " (remove it: reports, the terminal and the ledger show plan values as they are)",
                "p.yaml:10:12: risks[0].title: environment variable HOSTILE holds U+001B (a control character) (remove"
                        + " it: reports, the terminal and the ledger show plan values as they are)");
    }

    @Test
    void interpolationFillsValuesAndMarksThemSecret() throws Exception {
        Files.writeString(dir.resolve("token"), "file-secret-value\n");
        Plan plan = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: "x", owner: "lit $${NOT_A_VAR}"}
                ledger: {url: "jdbc:postgresql://db/p?password=${PGPASS}"}
                environments:
                  - name: e
                    hosts: [{name: h, uri: local}]
                    connections:
                      mysql: {host: db, password: "${file:token}"}
                      redis: {host: cache, password: "${MISSING:-fallback-value}"}
                """, dir, Map.of("PGPASS", "s3cr3t-pg"));
        assertThat(plan.project().owner()).isEqualTo("lit ${NOT_A_VAR}");
        assertThat(plan.ledger().url().value()).isEqualTo("jdbc:postgresql://db/p?password=s3cr3t-pg");
        assertThat(plan.secrets().redact("a s3cr3t-pg b file-secret-value c fallback-value"))
                .isEqualTo("a **** b **** c ****");
        assertThat(plan.toString()).doesNotContain("s3cr3t-pg");
        assertThat(plan.environments().get(0).connections().mysql().password().value()).isEqualTo("file-secret-value");
        assertThat(plan.environments().get(0).connections().redis().password().toString()).isEqualTo("****");
    }

    @Test
    void secretsAreTypedNotGuessed() throws Exception {
        Files.writeString(dir.resolve("token"), "file-token-value\n");
        Plan plan = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: "x", owner: "${USER:-you}", runbook: !secret "https://wiki/${WIKI_KEY}"}
                environments:
                  - name: e
                    hosts: [{name: h, uri: local}]
                    connections:
                      mysql: {host: "${DB_HOST}", user: "${DB_USER}", password: "${DB_PASSWORD}"}
                      redis: {host: cache, password: "literal-redis-pw"}
                gates:
                  oncall: {provider: pagerduty, token: "${file:token}", schedule_ids: [P1]}
                  cab: {provider: jira, url: "https://jira.example.com", token: "Bearer ${JIRA}"}
                change_window: {start: "2027-01-09T01:00:00Z", end: "2027-01-09T03:00:00Z", environment: e, ticket: T-1}
                """, dir, Map.of("USER", "test", "DB_HOST", "db.internal", "DB_USER", "backup", "DB_PASSWORD",
                "db-pw-123", "WIKI_KEY", "wiki-key-9", "JIRA", "jira-tok-77"));
        // Credentials by field (interpolated or literal) and by tag; the rest is plain.
        assertThat(plan.secrets().values()).contains("db-pw-123", "literal-redis-pw", "file-token-value",
                "Bearer jira-tok-77", "jira-tok-77", "https://wiki/wiki-key-9", "wiki-key-9");
        assertThat(plan.secrets().values()).doesNotContain("test", "you", "db.internal", "backup");
        assertThat(plan.secrets().redact("Are you sure, test? backup@db.internal")).isEqualTo("Are you sure, test? backup@db.internal");
    }

    @Test
    void aCredentialReusedInAnotherFieldIsAProblemNamingBothFields() {
        List<String> got = problems("""
                version: 1
                project: {name: demo}
                environments:
                  - name: e
                    hosts: [{name: "app-${PW}", uri: local}]
                    connections:
                      mysql: {host: db, user: "${PW}", password: "${PW}"}
                """, Map.of("PW", "s3cret-pw"));
        assertThat(got).containsExactly(
                "p.yaml:5:20: environments[0].hosts[0].name: contains a credential (the value of "
                        + "environments[0].connections.mysql.password) (a credential may appear only in its own field: "
                        + "names, paths and messages are shown and recorded as they are)",
                "p.yaml:7:31: environments[0].connections.mysql.user: contains a credential (the value of "
                        + "environments[0].connections.mysql.password) (a credential may appear only in its own field: "
                        + "names, paths and messages are shown and recorded as they are)");
        assertThat(String.join("\n", got)).doesNotContain("s3cret-pw");
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

    @Test
    void auditSettingsAreTypedWaiversConnectionsAndSsh() {
        String yaml = """
                version: 1
                project: {name: academy}
                environments:
                  - name: staging
                    hosts: [{name: app-1, uri: "ssh://deploy@app-1:22"}]
                    ssh: {known_hosts: kh, identity_files: [id], strict_host_key_checking: "no", login_shel: true, connect_timeout: 5 minutes}
                    connections:
                      mysql: {host: db, port: 99999, pasword: x}
                requirements:
                  - {tool: mysql-server, version: ">=8"}
                  - {tool: redis, version: "7"}
                waivers:
                  - {requirement: nodejs, hosts: [app-1], reason: r, owner: o, expires: 2026-13-01}
                  - {requirement: redis, reason: r, owner: o}
                """;
        assertThat(problems(yaml, Map.of())).containsExactly(
                "p.yaml:4:5: environments.staging.connections.redis: requirement 'redis' asks the redis server for its "
                        + "version, but the environment has no connections.redis (add connections: {redis: {host: ..., port: ...}} to the environment)",
                "p.yaml:6:76: environments[0].ssh.strict_host_key_checking: expected true or false, got 'no'",
                "p.yaml:6:82: environments[0].ssh.login_shel: unknown key 'login_shel' (did you mean 'login_shell'?)",
                "p.yaml:6:117: environments[0].ssh.connect_timeout: not a duration: '5 minutes' (e.g. 30s, 5m, 24h, 30d)",
                "p.yaml:8:31: environments[0].connections.mysql.port: out of range: 99999 (between 1 and 65535)",
                "p.yaml:8:38: environments[0].connections.mysql.pasword: unknown key 'pasword' (did you mean 'password'?)",
                "p.yaml:13:19: waivers[0].requirement: no requirement named 'nodejs' in the plan (one of: mysql-server, redis)",
                "p.yaml:13:73: waivers[0].expires: not a date: '2026-13-01' (use YYYY-MM-DD)",
                "p.yaml:14:5: waivers[1].hosts: required field is missing (list host names or globs, e.g. [staging-app-1] or ['*'])",
                "p.yaml:14:5: waivers[1].expires: required field is missing (a waiver must expire: add 'expires: YYYY-MM-DD')");
        Plan ok = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: academy}
                environments:
                  - name: staging
                    hosts: [{name: app-1, uri: "ssh://deploy@app-1:22", tags: [app]}]
                    ssh: {known_hosts: kh, identity_files: [keys/id], strict_host_key_checking: false, login_shell: true, connect_timeout: 5s}
                    connections:
                      redis: {host: cache, password: "${PW}"}
                requirements:
                  - {tool: redis, version: "7"}
                  - {tool: node, version: "20", tags: [app], hosts: ["web-*"]}
                waivers:
                  - {requirement: node, hosts: ["*"], reason: rollout, owner: web, expires: 2027-01-31}
                """, dir, Map.of("PW", "s3cret"));
        Plan.Environment e = ok.environments().get(0);
        assertThat(e.ssh().knownHosts()).isEqualTo(dir.resolve("kh"));
        assertThat(e.ssh().identityFiles()).containsExactly(dir.resolve("keys/id"));
        assertThat(e.ssh().strictHostKeys()).isFalse();
        assertThat(e.ssh().loginShell()).isTrue();
        assertThat(e.ssh().connectTimeout()).hasSeconds(5);
        assertThat(e.connections().redis().port()).isEqualTo(6379);
        assertThat(e.connections().redis().password().value()).isEqualTo("s3cret");
        assertThat(e.connections().mysql()).isNull();
        assertThat(ok.secrets().redact("pw=s3cret")).isEqualTo("pw=****");
        assertThat(AuditPlan.of(ok).requirements().get(1).tags()).containsExactly("app");
        assertThat(AuditPlan.of(ok).requirements().get(1).hosts()).containsExactly("web-*");
        var waivers = ok.section("waivers", Waiver.Waivers.class).orElseThrow().list();
        assertThat(waivers).singleElement().satisfies(w -> {
            assertThat(w.expires()).isEqualTo(LocalDate.of(2027, 1, 31));
            assertThat(w.owner()).isEqualTo("web");
        });
    }
}
