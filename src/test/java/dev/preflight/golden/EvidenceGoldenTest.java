package dev.preflight.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.flags.FlagFixture;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the renderers of the capabilities that work from plan files and the ledger, through the
 * commands a user runs, on one plan whose every probe is deterministic (audit probes are
 * {@code echo}, the lock files and dotenv files are fixtures, the CAB is a Markdown record, the
 * clock is fixed): audit, deps, flags, gates, risks, readiness, run, cutover plan/status, ledger
 * log/verify, each in every format it accepts. Normalised: the temp directory, the actor
 * (user@host), and the ledger's random entry ids with the hashes that cover them (numbered, so
 * equal values stay visibly equal). Found by it: the plan's sections and a waiver's JSON were
 * listed in an order that changed from one JVM to the next.
 */
class EvidenceGoldenTest {
    private static final Path DEPS = Path.of("src/test/resources/deps").toAbsolutePath();
    private static final Instant T0 = Instant.parse("2027-01-06T10:00:00Z");

    @TempDir
    Path dir;

    private Golden golden() {
        return Golden.exact().measured()
                .replacing(dir.toString(), "<dir>")
                .replacing(Ledgers.defaultActor(), "<actor>")
                // The deps report names the lock directory, so its size follows the temp dir's name length.
                .replacingRegex("(\"location\" : \"ledger:deps-[^\"]*\",\\s*\"size\" : )[0-9]+", "$1<size>")
                .numbering("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "uuid")
                .numbering("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", "sha256")
                // Shown prefixes of the published evidence's hashes: those files carry entry ids and hashes.
                .numbering("(?<![0-9a-f])[0-9a-f]{12}(?=\\.\\.\\.)", "sha256-prefix");
    }

    private void plan() throws IOException {
        FlagFixture.write(dir);
        copyTree(DEPS.resolve("composer-blocked"), dir.resolve("app"));
        copyTree(DEPS.resolve("metadata"), dir.resolve("metadata"));
        Files.createDirectories(dir.resolve("docs/upgrade"));
        Files.writeString(dir.resolve("docs/upgrade/change-management.md"), """
                # Change ACAD-1234: Laravel 11 upgrade

                - [x] Backup evidence attached
                - [x] Compatibility report attached
                - [x] Runbook linked

                Approved-by: Dana Reyes (CAB chair), 2027-01-05
                """);
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/academy/upgrade/section-1.1", owner: platform-team}
                environments:
                  - name: staging
                    hosts: [{name: bastion, uri: local, tags: [app]}]
                  - name: production
                    hosts: [{name: blue-1, uri: local, tags: [app, blue]}]
                requirements:
                  - {name: php-like, tool: custom, command: [echo, "PHP 8.3.6 (cli)"], pattern: "PHP (?<version>[0-9.]+)", version: "8.3"}
                  - {name: node-like, tool: custom, command: [echo, "v18.20.4"], pattern: "v(?<version>[0-9.]+)", version: "20", tags: [blue]}
                waivers:
                  - {requirement: node-like, hosts: [blue-*], reason: "Node moves in ACAD-77", owner: web-team, expires: 2027-01-31}
                dependencies:
                  dir: app
                  targets: {laravel/framework: "11.*", php: "8.3"}
                  metadata: [metadata/laravel-framework.json, metadata/spatie-laravel-permission.json, metadata/spatie-laravel-ignition.json, metadata/mockery-mockery.json]
                feature_flags:
                  env_key: APP_FEATURE_FLAGS
                  app_dir: app
                  files: {example: app/.env.example, staging: app/.env.staging, production: app/.env.production}
                  flags:
                    - {name: communities, description: Community spaces, owner: learning-team, type: release,
                       review_by: 2027-06-30, defaults: {staging: true}}
                    - {name: webauthn, description: Passkey sign-in, owner: identity-team, type: experiment, review_by: 2026-12-31}
                cutover:
                  environment: production
                  blue: {name: academy-blue, health_url: "http://127.0.0.1:9/blue"}
                  green: {name: academy-green, health_url: "http://127.0.0.1:9/green"}
                  load_balancer: {type: command, switch_to_blue: [true], switch_to_green: [true], verify_blue: [true], verify_green: [false]}
                  smoke:
                    - {name: login page, url: "http://127.0.0.1:9/login", status: 200, max_latency: 2s}
                  stable: {window: 1h, policy: alert, interval: 1m}
                  failback_bound: 5m
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: staging, ticket: ACAD-1234}
                gates:
                  cab: {provider: file, path: docs/upgrade/change-management.md}
                  custom:
                    - {name: audit-passed, expr: 'audit.latest("staging").passed'}
                risks:
                  - name: version-drift
                    title: Version drift between environments
                    mitigation: CI compatibility audit + weekly Ops review
                    controls: [{evidence: audit, environment: staging, max_age: 7d}]
                  - name: blocked-upgrade
                    title: A locked package blocks Laravel 11
                    mitigation: Dependency review before the window
                    controls: [{evidence: deps, max_age: 7d}]
                readiness: {max_age: {audit: 7d, backups: 7d}}
                """);
    }

    @Test
    void everyEvidenceRendererIsPinned() throws Exception {
        plan();
        CliHarness cli = new CliHarness(dir, T0);
        Golden g = golden();

        check(g, cli, "plan/validate.txt", 0, "validate");

        check(g, cli, "audit/plan.txt", 0, "audit");
        check(g, cli, "audit/plan.json", 0, "audit", "--format", "json");
        check(g, cli, "audit/plan.xml", 0, "audit", "--format", "junit");
        check(g, cli, "audit/plan.md", 0, "audit", "--format", "markdown");
        cli.clock.advance(Duration.ofMinutes(1));

        check(g, cli, "deps/plan.txt", 1, "deps");
        check(g, cli, "deps/plan.json", 1, "deps", "--format", "json");
        check(g, cli, "deps/plan.md", 1, "deps", "--format", "markdown");
        cli.clock.advance(Duration.ofMinutes(1));

        check(g, cli, "flags/validate.txt", 0, "flags", "validate");
        check(g, cli, "flags/validate.json", 0, "flags", "validate", "--format", "json");
        check(g, cli, "flags/list.txt", 0, "flags", "list");
        check(g, cli, "flags/list.json", 0, "flags", "list", "--format", "json");
        check(g, cli, "flags/list.md", 0, "flags", "list", "--format", "markdown");
        check(g, cli, "flags/diff.txt", 1, "flags", "diff", "staging", "production");
        check(g, cli, "flags/diff.json", 1, "flags", "diff", "staging", "production", "--format", "json");
        check(g, cli, "flags/toggle.txt", 0, "flags", "toggle", "communities", "--on", "--env", "staging",
                "--reason", "QA of community spaces");
        check(g, cli, "flags/history.txt", 0, "flags", "history", "communities");
        check(g, cli, "flags/history.json", 0, "flags", "history", "communities", "--format", "json");
        cli.clock.advance(Duration.ofMinutes(1));

        // Backups need MariaDB and produce varying checksums; their evidence is recorded as a backup records it.
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "golden@test", cli.clock)) {
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "mysql dump of academy-db",
                            Map.of("source", "academy-db", "type", "mysql"))
                    .withArtifacts(List.of(new Artifact("/backups/academy-db.sql.gz", 1234, "ab".repeat(32)))));
        }
        check(g, cli, "gates/check-unpublished.txt", 1, "gates", "check");
        check(g, cli, "gates/publish.txt", 0, "gates", "publish");
        check(g, cli, "gates/check.txt", 0, "gates", "check");
        check(g, cli, "gates/check.json", 0, "gates", "check", "--format", "json");
        check(g, cli, "gates/check.md", 0, "gates", "check", "--format", "markdown");
        cli.clock.advance(Duration.ofMinutes(1));

        check(g, cli, "risks/register.txt", 1, "risks");
        check(g, cli, "risks/register.json", 1, "risks", "--format", "json");
        check(g, cli, "risks/register.md", 1, "risks", "--format", "markdown");

        check(g, cli, "readiness/verdict.txt", 1, "readiness");
        check(g, cli, "readiness/verdict.json", 1, "readiness", "--format", "json");
        check(g, cli, "readiness/verdict.md", 1, "readiness", "--format", "markdown");
        check(g, cli, "readiness/sign-refused.txt", 1, "readiness", "sign", "--by", "Jane Doe", "--role", "EPM");

        cli.clock.advance(Duration.ofMinutes(1));
        check(g, cli, "run/run.txt", 1, "run");
        check(g, cli, "run/run.json", 1, "run", "--format", "json");
        check(g, cli, "run/run.md", 1, "run", "--format", "markdown");

        check(g, cli, "cutover/plan.txt", 0, "cutover", "plan");
        check(g, cli, "cutover/plan.md", 0, "cutover", "plan", "--format", "markdown");
        check(g, cli, "cutover/status.txt", 0, "cutover", "status");
        check(g, cli, "cutover/status.json", 0, "cutover", "status", "--format", "json");

        check(g, cli, "ledger/log.txt", 0, "ledger", "log");
        check(g, cli, "ledger/log.json", 0, "ledger", "log", "--format", "json");
        check(g, cli, "ledger/log-kind.txt", 0, "ledger", "log", "--kind", "audit", "--limit", "2");
        check(g, cli, "ledger/verify.txt", 0, "ledger", "verify");
        check(g, cli, "ledger/verify.json", 0, "ledger", "verify", "--format", "json");

        // Drift by hand: an unapproved production toggle and a flag the registry does not know.
        Files.writeString(dir.resolve("app/.env.production"), FlagFixture.PRODUCTION.replace(
                "{\"communities\":false,\"webauthn\":false}", "{\"communities\":true,\"webauthn\":false,\"beta\":true}"));
        check(g, cli, "flags/validate-failed.txt", 1, "flags", "validate");
        check(g, cli, "flags/validate-failed.json", 1, "flags", "validate", "--format", "json");
        check(g, cli, "flags/list-drift.txt", 0, "flags", "list");
    }

    /** Runs one command, checks its exit code, then its stdout (and stderr, when any) against the golden file. */
    private static void check(Golden g, CliHarness cli, String name, int code, String... args) {
        CliRun r = cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isEqualTo(code);
        g.check(name, r.err().isEmpty() ? r.out() : r.out() + "--- stderr ---\n" + r.err());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(p -> {
                try {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
