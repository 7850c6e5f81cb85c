package dev.preflight.cli;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.exec.TestSshHosts;
import dev.preflight.exec.TestSshHosts.Reply;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code preflight audit} over a fleet of in-process SSH servers on loopback (recorded real tool
 * outputs, and one host running real commands), plus the environment's real MariaDB and Redis
 * asked for their versions, waivers and custom probes. Asserts on text, JSON, JUnit and exit codes.
 */
class AuditFleetCliTest {
    @TempDir
    Path dir;
    TestSshHosts fleet;
    TestSshHosts.Host app1;
    TestSshHosts.Host app2;
    TestSshHosts.Host worker;
    TestSshHosts.Host real;
    TestSshHosts.Host stranger;
    int downPort;
    Path knownHosts;

    static final String PHP = "php -n -r 'echo PHP_VERSION;'";
    static final String REDIS_V = "Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=a203381984fddfe4\n";

    @BeforeEach
    void fleet() throws Exception {
        fleet = new TestSshHosts(dir.resolve("ssh"));
        app1 = fleet.recorded("app-1", Map.of(PHP, new Reply(0, "8.3.6", ""), "node -v", new Reply(0, "v20.11.1\n", ""),
                "redis-server -v", new Reply(0, REDIS_V, ""),
                "mysql --version", new Reply(0, "mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)\n", "")));
        app2 = fleet.recorded("app-2", Map.of("node -v", new Reply(0, "v18.20.4\n", ""),
                "redis-server -v", new Reply(0, REDIS_V, ""),
                "mysql --version", new Reply(0, "mysql  Ver 8.0.36-0ubuntu0.22.04.1 for Linux on x86_64 ((Ubuntu))\n", "")));
        worker = fleet.recorded("worker-1", Map.of(PHP, new Reply(0, "8.3.6", ""), "node -v", new Reply(0, "v20.11.1\n", ""),
                "redis-server -v", new Reply(0, REDIS_V, ""),
                "mysql --version", new Reply(0,
                        "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper\n", "")));
        real = fleet.real("control");
        stranger = fleet.real("stranger");
        try (ServerSocket s = new ServerSocket(0)) {
            downPort = s.getLocalPort();
        }
        knownHosts = fleet.knownHosts("known_hosts", List.of(app1, app2, worker, real));
    }

    @AfterEach
    void stop() throws Exception {
        fleet.close();
    }

    private CliRun run(String... args) {
        return CliRun.of(dir, Map.of("REDIS_PW", ""), CliRun.CLOCK, args);
    }

    private void plan(String hostsAndMore) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy}
                environments:
                  - name: staging
                    ssh:
                      known_hosts: %s
                      identity_files: [%s]
                      connect_timeout: 5s
                    hosts:
                      - {name: app-1, uri: "ssh://deploy@127.0.0.1:%d", tags: [app]}
                      - {name: app-2, uri: "ssh://deploy@127.0.0.1:%d", tags: [app]}
                      - {name: worker-1, uri: "ssh://deploy@127.0.0.1:%d", tags: [horizon]}
                      - {name: control, uri: "ssh://deploy@127.0.0.1:%d", tags: [control]}
                      - {name: gone, uri: "ssh://deploy@127.0.0.1:%d", tags: [app]}
                      - {name: imposter, uri: "ssh://deploy@127.0.0.1:%d", tags: [app]}
                %s
                """.formatted(knownHosts, fleet.clientKey(), app1.port(), app2.port(), worker.port(), real.port(), downPort,
                stranger.port(), hostsAndMore));
    }

    @Test
    void everyRequirementOnEveryHostWithRealVersionSemantics() throws Exception {
        plan("""
                requirements:
                  - {tool: node, version: "20", tags: [app, horizon]}
                  - {tool: php, version: "8.3", tags: [app, horizon]}
                  - {tool: redis-server, version: "7", tags: [app, horizon]}
                  - {tool: mysql, version: ">=8.0.36 <8.1", flavor: mysql, tags: [app, horizon]}
                  - {tool: git, version: ">=2", hosts: [control]}
                """);
        CliRun r = run("audit", "--parallel", "3");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("[FAIL] staging/app-2: node 20: version 18.20.4 does not satisfy 20 (>=20 <21)")
                .contains("[FAIL] staging/app-2: php 8.3: php is not installed")
                .contains("[FAIL] staging/worker-1: mysql >=8.0.36 <8.1: flavor is mariadb, requires mysql")
                .contains("[UNREACHABLE] staging/gone: cannot connect to 127.0.0.1:" + downPort)
                .contains("[UNREACHABLE] staging/imposter: host 127.0.0.1:" + stranger.port() + " is not in")
                .contains("staging/gone      UNREACHABLE")
                .doesNotContain("staging/app-1: node")
                .contains("FAILED: 6 host(s), 3 failure(s), 0 waived, 2 unreachable/probe error(s)");
        // The distro-suffixed client satisfies >=8.0.36; the real control host ran real git.
        assertThat(r.out()).contains("ok 8.0.36-0ubuntu0.22.04.1 (mysql)").containsPattern("ok 2\\.\\d+\\.\\d+");
        // One SSH session per reachable host, however many probes ran over it.
        assertThat(List.of(app1, app2, worker, real)).allSatisfy(h -> assertThat(h.sessions().get()).isEqualTo(1));

        CliRun json = run("audit", "--format", "json");
        JsonNode doc = Json.parse(json.out());
        JsonNode app1Checks = doc.path("hosts").get(0).path("checks");
        assertThat(app1Checks.get(2).path("raw").asText()).isEqualTo(REDIS_V.strip());
        assertThat(app1Checks.get(2).path("found").asText()).isEqualTo("7.2.4");
        assertThat(app1Checks.get(2).path("rule").asText()).isEqualTo("redis-server v=");

        CliRun junit = run("audit", "--format", "junit");
        assertThat(junit.code()).isEqualTo(1);
        Document x = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(junit.out().getBytes(StandardCharsets.UTF_8)));
        assertThat(x.getElementsByTagName("testsuite").getLength()).isEqualTo(6);
        assertThat(x.getElementsByTagName("testsuite").item(1).getAttributes().getNamedItem("name").getNodeValue())
                .isEqualTo("staging/app-2");
        assertThat(x.getElementsByTagName("failure").getLength()).isEqualTo(3);
    }

    @Test
    void waiversTurnFailuresIntoWarningsUntilTheyExpire() throws Exception {
        plan("""
                requirements:
                  - {tool: node, version: "20", tags: [app]}
                  - {name: mysql-client, tool: mysql, version: ">=8.0.36 <8.1", flavor: mysql, hosts: [worker-*]}
                waivers:
                  - {requirement: node, hosts: [app-2], reason: "node 20 rollout ACAD-77", owner: web-team, expires: 2026-12-31}
                  - {requirement: mysql-client, hosts: ["staging/worker-*"], reason: "MariaDB client accepted", owner: dba, expires: 2026-11-01}
                """);
        CliRun r = run("audit", "--env", "staging");
        assertThat(r.out())
                .contains("WAIVED 18.20.4")
                .contains("[WAIVED] staging/app-2: node 20: version 18.20.4 does not satisfy 20 (>=20 <21); "
                        + "waived until 2026-12-31 by web-team: node 20 rollout ACAD-77")
                .contains("[FAIL] staging/worker-1: mysql-client: flavor is mariadb, requires mysql "
                        + "(waiver by dba expired 2026-11-01; it no longer applies)");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void customToolsAndServerProbesAgainstTheRealServers() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                    connections:
                      mysql: {host: 127.0.0.1, port: 3306, user: root}
                      redis: {host: 127.0.0.1, port: 6379, password: "${REDIS_PW}"}
                requirements:
                  - {name: db-server, tool: mysql-server, version: ">=10.6", flavor: mariadb}
                  - {name: db-is-mysql, tool: mysql-server, version: ">=8.0.36", flavor: mysql}
                  - {name: cache, tool: redis, version: ">=6"}
                  - {name: bash, tool: custom, command: [bash, --version], pattern: "version (?<version>[0-9.]+)", version: ">=4"}
                  - {name: node-by-pattern, tool: node, pattern: "^v(?<version>\\\\d+\\\\.\\\\d+\\\\.\\\\d+)$", version: ">=18"}
                """);
        CliRun r = run("audit", "--format", "json");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        JsonNode doc = Json.parse(r.out());
        assertThat(doc.path("hosts")).hasSize(3);
        JsonNode me = doc.path("hosts").get(0);
        assertThat(me.path("checks").get(0).path("requirement").asText()).isEqualTo("bash");
        assertThat(me.path("checks").get(0).path("result").asText()).isEqualTo("passed");
        assertThat(me.path("checks").get(0).path("rule").asText()).startsWith("pattern version");
        assertThat(me.path("checks").get(1).path("result").asText()).isEqualTo("passed");
        JsonNode db = doc.path("hosts").get(1);
        assertThat(db.path("host").asText()).isEqualTo("mysql://127.0.0.1:3306");
        assertThat(db.path("checks").get(0).path("result").asText()).isEqualTo("passed");
        assertThat(db.path("checks").get(0).path("found").asText()).contains("(mariadb)");
        assertThat(db.path("checks").get(0).path("raw").asText()).contains("MariaDB");
        assertThat(db.path("checks").get(1).path("reason").asText()).isEqualTo("flavor is mariadb, requires mysql");
        JsonNode cache = doc.path("hosts").get(2);
        assertThat(cache.path("host").asText()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(cache.path("checks").get(0).path("result").asText()).isEqualTo("passed");
        assertThat(cache.path("checks").get(0).path("rule").asText()).isEqualTo("INFO server redis_version");
    }

    @Test
    void aServerThatCannotBeReachedIsUnreachableNotPassed() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                    connections:
                      mysql: {host: 127.0.0.1, port: %d, user: root}
                requirements:
                  - {tool: mysql-server, version: ">=8"}
                """.formatted(downPort));
        CliRun r = run("audit");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("[UNREACHABLE] local/mysql://127.0.0.1:" + downPort + ": MySQL server 127.0.0.1:" + downPort);
    }

    @Test
    void adHocAuditOfAnSshHost() {
        CliRun r = run("audit", "--host", app2.uri().toString(), "--known-hosts", knownHosts.toString(),
                "-i", fleet.clientKey().toString(), "--require", "node=20", "--require", "redis-server=7");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("[FAIL] ad-hoc/127.0.0.1: node 20: version 18.20.4 does not satisfy 20 (>=20 <21)")
                .contains("ok 7.2.4");
    }

    @Test
    void flutterOnSshBuildAgentsIsProbedOverTheEnvironmentsSshSettings() throws Exception {
        TestSshHosts.Host mac = fleet.recorded("mac-agent", Map.of("flutter --version --machine", new Reply(0,
                "{\"frameworkVersion\": \"3.22.2\", \"channel\": \"stable\", \"dartSdkVersion\": \"3.4.3\"}\n", "")));
        TestSshHosts.Host old = fleet.recorded("linux-agent", Map.of("flutter --version --machine", new Reply(0,
                "{\"frameworkVersion\": \"3.16.9\", \"channel\": \"stable\"}\n", "")));
        Path kh = fleet.knownHosts("agents_known_hosts", List.of(mac, old));
        Path app = dir.resolve("app");
        Files.createDirectories(app);
        for (String f : List.of("composer.json", "composer.lock")) {
            Files.copy(Path.of("src/test/resources/deps/composer-clean").resolve(f), app.resolve(f));
        }
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy}
                environments:
                  - name: build-agents
                    ssh: {known_hosts: %s, identity_files: [%s]}
                    hosts:
                      - {name: mac-agent, uri: "ssh://deploy@127.0.0.1:%d"}
                      - {name: linux-agent, uri: "ssh://deploy@127.0.0.1:%d"}
                dependencies:
                  dir: app
                  targets: {laravel/framework: "11.*"}
                  flutter: {environment: build-agents, version: ">=3.19"}
                """.formatted(kh, fleet.clientKey(), mac.port(), old.port()));
        CliRun r = run("deps");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("mac-agent", "3.22.2", "linux-agent", "3.16.9");
        assertThat(r.out()).doesNotContain("unreachable");
        assertThat(mac.sessions().get()).isEqualTo(1);
    }
}
