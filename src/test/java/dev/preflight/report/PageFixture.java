package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real SQLite ledger filled by the real commands, for the readiness page's tests: an audit of this
 * host, three MariaDB backups of a growing database with their verification, two restore tests,
 * flag validation and a toggle, the CAB change record (file provider) with published evidence, the
 * on-call rota (PagerDuty's API served by WireMock) with both acknowledgements, the stakeholder
 * notice (SMTP: GreenMail), the gate check and a sign-off: the GO page. Then the plan gains the
 * dependency review (the Academy example's lock files, which block Laravel 11) and a blue/green
 * cutover (command load balancer, two in-process HTTP backends): the final, NO-GO page.
 */
final class PageFixture implements AutoCloseable {
    private static final String ROOT = "jdbc:mariadb://127.0.0.1:3306/?user=root";
    static final String PD_TOKEN = "pd-token-for-the-page-test";
    static final String ROLE = "CAB <b>chair</b> & \"co\" 'x'";

    final Path dir;
    final StepClock clock = new StepClock(Instant.parse("2026-11-24T06:00:00Z"));
    final String db = "pf_page_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private final WireMockServer pd = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpServer blue;
    private final HttpServer green;
    /** The page at GO right after the sign-off, and the final page after deps and cutover. */
    String goPage;
    String finalPage;
    /** The verdict as JSON just before the final page (the same checks). */
    String finalJson;

    /** A clock the fixture moves between commands; while {@link #flowing}, it also runs with real time (inside a command). */
    static final class StepClock extends Clock {
        private Instant now;
        private long flowingSince = -1;

        StepClock(Instant start) {
            now = start;
        }

        synchronized void advance(Duration d) {
            flowing(false);
            now = now.plus(d);
        }

        synchronized void set(Instant t) {
            now = t;
        }

        /** Real time passes on this clock from now until {@code flowing(false)}. */
        synchronized void flowing(boolean on) {
            if (on) {
                flowingSince = System.nanoTime();
            } else if (flowingSince >= 0) {
                now = now.plusNanos(System.nanoTime() - flowingSince);
                flowingSince = -1;
            }
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            return flowingSince < 0 ? now : now.plusNanos(System.nanoTime() - flowingSince);
        }
    }

    PageFixture(Path dir) throws Exception {
        this.dir = dir;
        blue = backend("blue");
        green = backend("green");
    }

    private static HttpServer backend(String colour) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.createContext("/", ex -> {
            byte[] body = ("colour=" + colour + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return s;
    }

    private String url(HttpServer s, String path) {
        return "http://127.0.0.1:" + s.getAddress().getPort() + path;
    }

    CliRun run(String... args) {
        CliRun r = CliRun.of(dir, Map.of("PD_TOKEN", PD_TOKEN), clock, args);
        clock.advance(Duration.ofMinutes(3));
        return r;
    }

    private CliRun ok(String... args) {
        CliRun r = run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isZero();
        return r;
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private String plan(boolean later) throws IOException {
        Path active = dir.resolve("lb-active");
        Files.writeString(active, "blue\n");
        Path set = script(dir, "lb-set.sh", "echo \"$1\" > '" + active + "'");
        Path is = script(dir, "lb-is.sh", "grep -qx \"$1\" '" + active + "'");
        String base = """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/academy/upgrade/section-1.1", owner: platform-team}
                environments:
                  - name: production
                    hosts: [{name: bastion, uri: local}]
                requirements:
                  - {tool: java, version: ">=17"}
                  - {tool: git, version: ">=2"}
                backups:
                  log: docs/upgrade/backups/backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                    - {name: offsite, type: local, path: backups/offsite}
                  sources:
                    - name: academy-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %1$s}
                      compression: gzip
                      retention: 30d
                      name_pattern: "academy-{date}-{time}"
                restore_test:
                  source: academy-db
                  target: {host: 127.0.0.1, port: 3306, user: root}
                  row_count_tolerance: 0.05
                  sql_checks:
                    - {name: users exist, sql: "SELECT COUNT(*) FROM users", expect: "> 0"}
                feature_flags:
                  env_key: APP_FEATURE_FLAGS
                  app_dir: app
                  files: {example: app/.env.example, staging: app/.env.staging, production: app/.env.production}
                  flags:
                    - {name: communities, description: Community spaces, owner: learning-team, type: release, review_by: 2027-06-30,
                       defaults: {staging: true, production: false}}
                    - {name: webauthn, description: Passkey sign-in, owner: identity-team, type: release, review_by: 2027-06-30,
                       defaults: {staging: false, production: false}}
                change_window: {start: 2026-11-27T22:00:00Z, end: 2026-11-28T02:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                  cab: {provider: file, path: docs/upgrade/change-management.md}
                  oncall: {provider: pagerduty, url: "%2$s", token: "${PD_TOKEN}", schedule_ids: [PABC123]}
                  notice:
                    templates: docs/upgrade/runbooks
                    lead_time: 48h
                    smtp: {host: 127.0.0.1, port: %3$d, from: platform-team@example.com, to: [academy-stakeholders@example.com], security: none}
                risks:
                  - name: backup-corruption
                    title: Backup corruption
                    mitigation: Dual-location storage with checksum validation
                    controls: [{evidence: backup-verify, max_age: 24h}]
                  - name: version-drift
                    title: Version drift between environments
                    mitigation: CI compatibility audit
                    controls: [{evidence: audit, environment: production, max_age: 7d}]
                """.formatted(db, pd.baseUrl(), smtp.getSmtp().getPort());
        if (!later) {
            return base;
        }
        return base + """
                dependencies:
                  dir: app
                  targets: {laravel/framework: "11.*", php: "8.3", node: "20"}
                  metadata:
                    - metadata/laravel-framework.json
                    - metadata/spatie-laravel-permission.json
                    - metadata/spatie-laravel-ignition.json
                    - metadata/mockery-mockery.json
                  npm_outdated: false
                cutover:
                  environment: production
                  blue: {name: academy-blue, health_url: "%1$s"}
                  green: {name: academy-green, health_url: "%2$s"}
                  load_balancer: {type: command, switch_to_blue: [%3$s, blue], switch_to_green: [%3$s, green],
                                  verify_blue: [%4$s, blue], verify_green: [%4$s, green]}
                  smoke:
                    - {name: login page, url: "%5$s", status: 200, max_latency: 2s}
                  failback_bound: 5m
                """.formatted(url(blue, "/health"), url(green, "/health"), set, is, url(green, "/login"));
    }

    private void oncallRota() {
        String body = """
                {"oncalls": [
                  {"user": {"id": "PU1", "type": "user", "summary": "Alice Moreau", "email": "alice.moreau@example.com"},
                   "schedule": {"id": "PABC123", "type": "schedule_reference"}, "escalation_level": 1,
                   "start": "2026-11-27T18:00:00Z", "end": "2026-11-28T06:00:00Z"},
                  {"user": {"id": "PU2", "type": "user", "summary": "Bob Okafor", "email": "bob.okafor@example.com"},
                   "schedule": {"id": "PABC123", "type": "schedule_reference"}, "escalation_level": 2,
                   "start": null, "end": null}],
                 "limit": 100, "offset": 0, "more": false, "total": null}
                """;
        pd.stubFor(WireMock.get(WireMock.urlPathEqualTo("/oncalls")).willReturn(WireMock.okJson(body)));
    }

    /** Runs the whole story; {@link #goPage} and {@link #finalPage} hold the two pages. */
    PageFixture build() throws Exception {
        smtp.start();
        pd.start();
        oncallRota();
        sql("CREATE DATABASE " + db, "CREATE TABLE " + db + ".users (id INT PRIMARY KEY, email VARCHAR(100), bio TEXT)");
        Path examples = Path.of("examples/academy");
        copy(examples.resolve("app"), dir.resolve("app"));
        copy(examples.resolve("metadata"), dir.resolve("metadata"));
        Files.createDirectories(dir.resolve("docs/upgrade/runbooks"));
        Files.writeString(dir.resolve("docs/upgrade/runbooks/notice.md"),
                "# Maintenance {{window.start}}\nAcademy is upgraded in {{environment}}.\n");
        Files.writeString(dir.resolve("docs/upgrade/change-management.md"), """
                # Change ACAD-1234: Laravel 11 upgrade

                - [x] Backup evidence attached
                - [x] Compatibility report attached
                - [x] Runbook linked

                Approved-by: Dana Reyes (CAB chair), 2026-11-23
                """);
        Files.writeString(dir.resolve("preflight.yaml"), plan(false));

        // The notice goes out days ahead (48 h lead); the evidence is gathered within a day of the window.
        ok("gates", "ack", "--role", "primary", "--user", "Alice Moreau");
        ok("gates", "ack", "--role", "secondary", "--user", "Bob Okafor");
        ok("gates", "notify");
        clock.set(Instant.parse("2026-11-26T23:00:00Z"));
        // Three backups of a growing table: the chart shows the growth.
        for (int night = 0; night < 3; night++) {
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int id = night * 400 + i;
                rows.add("(" + id + ", 'user" + id + "@example.com', REPEAT('" + UUID.randomUUID() + "', " + (4 + night * 6) + "))");
            }
            sql("INSERT INTO " + db + ".users VALUES " + String.join(",", rows));
            ok("backup", "run");
            clock.advance(Duration.ofHours(2));
        }
        ok("backup", "verify");
        ok("restore-test");
        clock.advance(Duration.ofMinutes(30));
        ok("restore-test");
        ok("audit");
        ok("flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "passkey beta <for> \"QA\" & friends");
        ok("flags", "validate");
        ok("gates", "publish");
        ok("gates", "check");
        ok("readiness");
        // A role with markup and quotes: the page must show it as text.
        ok("readiness", "sign", "--by", "Dana Reyes", "--role", ROLE);
        ok("readiness", "--format", "html", "-o", "go.html");
        goPage = Files.readString(dir.resolve("go.html"));

        Files.writeString(dir.resolve("preflight.yaml"), plan(true));
        assertThat(run("deps").code()).as("the Academy lock files block Laravel 11").isEqualTo(1);
        clock.flowing(true);
        CliRun cut = run("cutover", "start", "--until", "switched");
        assertThat(cut.code()).as(cut.all()).isZero();
        finalJson = run("readiness", "--format", "json").out();
        assertThat(run("readiness", "--format", "html", "-o", "final.html").code()).isEqualTo(1);
        finalPage = Files.readString(dir.resolve("final.html"));
        return this;
    }

    @Override
    public void close() throws Exception {
        blue.stop(0);
        green.stop(0);
        pd.stop();
        smtp.stop();
        List<String> drop = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW DATABASES LIKE '" + db + "%'")) {
            while (rs.next()) {
                drop.add(rs.getString(1));
            }
        }
        for (String d : drop) {
            sql("DROP DATABASE IF EXISTS `" + d + "`");
        }
    }
}
