package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the CLI in-process with StringWriters and asserts on text and exit code. */
class CliTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private CliRun run(String... args) {
        return CliRun.of(dir, env, CliRun.CLOCK, args);
    }

    private Path plan(String yaml) throws Exception {
        Path p = dir.resolve("preflight.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    @BeforeEach
    void quickstart() throws Exception {
        plan("""
                version: 1
                project: {name: demo, owner: "${OWNER_TOKEN:-nobody}"}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                """);
    }

    @Test
    void versionAndHelpDocumentExitCodes() {
        CliRun v = run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("preflight ");
        CliRun h = run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("validate", "schema", "run", "ledger", "Exit codes:",
                "2  usage or configuration error", "3  unexpected state");
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        CliRun r = run("validate", "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'", "hint: see 'preflight validate --help'");
        CliRun f = run("validate", "--format", "junit");
        assertThat(f.code()).isEqualTo(2);
        assertThat(f.err()).contains("'preflight validate' does not support --format junit", "supported: text, json");
        CliRun missing = run("--plan", "nope.yaml", "validate");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("plan file not found: " + dir.resolve("nope.yaml"), "hint:");
    }

    @Test
    void validateAcceptsAGoodPlanAndListsEveryProblemOfABadOne() throws Exception {
        CliRun ok = run("validate");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("OK: ", "is a valid plan (project demo; 1 environment(s), 1 host(s)");
        Path bad = plan("version: 1\nproject: {nam: x}\nenvironments: [{name: a, hosts: [{name: h, uri: 'ftp://x'}]}]\n");
        CliRun r = run("validate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(
                bad + ":2:11: project.nam: unknown key 'nam' (did you mean 'name'?)",
                bad + ":2:10: project.name: required field is missing",
                bad + ":3:49: environments[0].hosts[0].uri: unsupported host URI 'ftp://x'",
                "the plan has 3 problem(s); nothing was done");
        CliRun j = run("validate", "--format", "json");
        assertThat(j.code()).isEqualTo(2);
        assertThat(Json.parse(j.out()).path("problems")).hasSize(3);
    }

    @Test
    void schemaIsJson() {
        CliRun r = run("schema");
        assertThat(r.code()).isZero();
        var schema = Json.parse(r.out());
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(schema.path("properties").has("backups")).isTrue();
    }

    @Test
    void runRecordsEvidenceAndLedgerCommandsReadAndVerifyIt() throws Exception {
        // A plan that checks nothing verifies nothing: NO-GO, even on an intact ledger.
        CliRun nothing = run("run");
        assertThat(nothing.code()).isEqualTo(1);
        assertThat(nothing.out()).contains("NO-GO", "plan: configures nothing that can be checked");
        // Start over with a new ledger: the store and its head file both go (the head file alone would
        // rightly call a missing store BROKEN).
        try (var files = Files.walk(dir.resolve(".preflight"))) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        plan("""
                version: 1
                project: {name: demo}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                requirements: [{tool: java, version: ">=17"}]
                """);
        CliRun r = run("run");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("Readiness of demo: GO", "ledger        PASSED", "chain         INTACT",
                "fresh    audit        audit local: passed #2");
        CliRun log = run("ledger", "log");
        assertThat(log.code()).isZero();
        assertThat(log.out()).contains("ledger-verify", "audit", "run", "3 entries in " + dir.resolve(".preflight/ledger.db"));
        // A header with an actor column; every row's columns start where the header's do, long kinds included.
        List<String> rows = log.out().lines().toList();
        assertThat(rows.get(0)).matches("SEQ +TIME \\(UTC\\) +OUTCOME +KIND +ACTOR +SUBJECT +SUMMARY");
        int actor = rows.get(0).indexOf("ACTOR");
        int summary = rows.get(0).indexOf("SUMMARY");
        for (String row : rows.subList(1, 4)) {
            assertThat(row.charAt(actor - 1)).as(row).isEqualTo(' ');
            assertThat(row.substring(actor)).as(row).containsPattern("^\\S+@\\S+ ");
            assertThat(row.charAt(summary - 1)).as(row).isEqualTo(' ');
            assertThat(row.charAt(summary - 2)).as(row).isEqualTo(' ');
        }
        assertThat(rows.get(1)).contains("ledger-verify");
        assertThat(run("ledger", "verify").out()).startsWith("INTACT: 3 entries");
        CliRun exp = run("ledger", "export", "--out", "b.zip");
        assertThat(exp.code()).isZero();
        assertThat(run("ledger", "verify", "--bundle", "b.zip").code()).isZero();
        // Tamper with plain SQL (the append-only triggers dropped first): verify names the entry and exits 1; run says NO-GO.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(".preflight/ledger.db"));
             Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER ledger_entries_no_update");
            st.execute("UPDATE ledger_entries SET outcome = 'failed', summary = 'NO-GO hidden' WHERE seq = 2");
        }
        CliRun v = run("ledger", "verify", "--format", "json");
        assertThat(v.code()).isEqualTo(1);
        assertThat(Json.parse(v.out()).path("first_bad_seq").asLong()).isEqualTo(2);
        CliRun again = run("run", "--format", "json");
        assertThat(again.code()).isEqualTo(1);
        assertThat(Json.parse(again.out()).path("verdict").asText()).isEqualTo("NO-GO");
    }

    @Test
    void credentialsMarkedSecretNeverAppearInOutputOrLedger() throws Exception {
        env.put("OWNER_TOKEN", "tok-9f8e7d6c");
        plan("""
                version: 1
                project: {name: demo, owner: !secret "${OWNER_TOKEN}"}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                requirements: [{tool: java, version: ">=17"}]
                """);
        StringBuilder all = new StringBuilder();
        for (String[] args : new String[][] {{"validate"}, {"run"}, {"run", "--format", "json"},
            {"ledger", "log", "--format", "json"}, {"ledger", "export", "--out", "s.zip"}, {"run", "-v"}}) {
            CliRun r = run(args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.all()).isZero();
            all.append(r.out()).append(r.err());
        }
        all.append(new String(Files.readAllBytes(dir.resolve(".preflight/ledger.db")), "ISO-8859-1"));
        assertThat(all.toString()).doesNotContain("tok-9f8e7d6c");
    }

    @Test
    void aCredentialInANameIsAValidateErrorNotAMaskedName() throws Exception {
        env.put("OWNER_TOKEN", "tok-9f8e7d6c");
        Path p = plan("""
                version: 1
                project: {name: "demo tok-9f8e7d6c", owner: !secret "${OWNER_TOKEN}"}
                """);
        CliRun r = run("validate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(p + ":2:17: project.name: contains a credential (the value of project.owner "
                + "(marked !secret))").doesNotContain("tok-9f8e7d6c");
    }

    @Test
    void verboseStackTracesMaskCredentialsInCausedByLinesToo() throws Exception {
        // The ledger path carries a value marked secret; creating it fails (a file is in the way),
        // so the message and the Caused-by line of -v would both show it.
        env.put("LEDGER_TOKEN", "ldg-5e4d3c2b1a");
        Files.writeString(dir.resolve("blocker"), "a file, not a directory\n");
        plan("""
                version: 1
                project: {name: demo}
                ledger: {url: !secret "sqlite:blocker/${LEDGER_TOKEN}/ledger.db"}
                """);
        CliRun r = run("run", "-v");
        assertThat(r.code()).as(r.all()).isNotZero().isNotEqualTo(4);
        assertThat(r.err()).contains("****").doesNotContain("ldg-5e4d3c2b1a");
    }

    @Test
    void interpolatedValuesThatAreNotCredentialsStayReadable() throws Exception {
        // Issue #14 item 1: USER=test made "test" a secret, so subject test-db became ****-db.
        env.put("USER", "test");
        plan("""
                version: 1
                project: {name: test-app, owner: "${USER:-you}"}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                requirements: [{tool: java, version: ">=17"}]
                """);
        CliRun r = run("run");
        assertThat(r.code()).as(r.all()).isZero();
        CliRun log = run("ledger", "log");
        assertThat(log.out()).contains("test-app").doesNotContain("****");
    }

    @Test
    void outputFileIsWrittenAndCompletionScriptGenerated() {
        CliRun r = run("schema", "-o", "schema.json");
        assertThat(r.code()).isZero();
        assertThat(dir.resolve("schema.json")).exists();
        assertThat(r.err()).contains("report written to");
        CliRun c = run("generate-completion");
        assertThat(c.code()).isZero();
        assertThat(c.out()).contains("preflight");
    }

    @Test
    void adHocAuditOfThisMachineReportsEveryFailure() {
        CliRun r = run("audit", "--local", "--require", "node=20", "--require", "mysql=>=8.0.36 <8.1",
                "--require", "flutter=3.22", "--ledger", "sqlite:adhoc.db");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("ok 20.", "[FAIL] ad-hoc/local: flutter 3.22: flutter is not installed",
                "[FAIL] ad-hoc/local: mysql >=8.0.36 <8.1: version 10.11");
        CliRun ledger = run("ledger", "log", "--ledger", "sqlite:adhoc.db", "--kind", "audit");
        assertThat(ledger.out()).contains("failed", "audit", "ad-hoc");
        CliRun bad = run("audit", "--local", "--require", "node");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("is not TOOL=CONSTRAINT");
    }

    @Test
    void auditPaceIsAdaptiveOrFixedAndVerboseSaysHowManyHostsRanAtOnce() {
        CliRun fixed = run("--verbose", "audit", "--local", "--require", "node=20", "--pace", "fixed", "--parallel", "3",
                "--ledger", "sqlite:pace.db");
        assertThat(fixed.code()).isZero();
        assertThat(fixed.err()).contains("preflight: ad-hoc: hosts at once 3 (--pace fixed, --parallel 3)");
        CliRun adaptive = run("--verbose", "audit", "--local", "--require", "node=20", "--ledger", "sqlite:pace.db");
        assertThat(adaptive.err()).contains("preflight: ad-hoc: hosts at once 4 (--pace adaptive, --parallel 32)");
        CliRun quiet = run("audit", "--local", "--require", "node=20", "--ledger", "sqlite:pace.db");
        assertThat(quiet.err()).doesNotContain("hosts at once");
        CliRun bogus = run("audit", "--local", "--require", "node=20", "--pace", "fast");
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.err()).contains("--pace is adaptive or fixed, not 'fast'");
        CliRun none = run("audit", "--local", "--require", "node=20", "--parallel", "0");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--parallel must be at least 1, not 0");
    }

    @Test
    void planAuditPassesLocallyAndAnSshHostThatCannotBeCheckedIsExitThree() throws Exception {
        plan("""
                version: 1
                project: {name: demo}
                requirements: [{tool: java, version: ">=17"}]
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                """);
        CliRun ok = run("audit", "--format", "junit");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("<testsuite name=\"local/me\"", "name=\"java &gt;=17\"");
        plan("""
                version: 1
                project: {name: demo}
                requirements: [{tool: java, version: ">=17"}]
                environments:
                  - name: prod
                    hosts: [{name: app1, uri: "ssh://deploy@127.0.0.1:1"}]
                """);
        CliRun r = run("audit");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("[UNREACHABLE] prod/app1", "nothing was checked on this host");
        // Every host unreachable: no matrix of host names alone, the first line is the reason.
        assertThat(r.out()).startsWith("[UNREACHABLE] prod/app1").doesNotContain("host  ", "\nhost\n");
        CliRun md = run("audit", "--format", "markdown");
        assertThat(md.out()).doesNotContain("| host |").contains("- **UNREACHABLE** prod/app1");
        CliRun run = run("run");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("audit         FAILED", "NO-GO");
    }
}
