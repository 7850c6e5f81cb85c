package dev.preflight.cli;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.flags.FlagFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code preflight flags ...} driven in-process: text and exit code of every subcommand. */
class FlagsCliTest {
    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), CliRun.CLOCK, args);
    }

    @BeforeEach
    void fixture() throws Exception {
        FlagFixture.write(dir);
    }

    @Test
    void validatePassesOnTheFixtureInEveryFormatAndIsRecorded() {
        CliRun r = run("flags", "validate");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                example      app/.env.example  ok
                staging      app/.env.staging  ok
                production   app/.env.production  ok
                source       app  2 PHP file(s)

                PASSED: 2 flag(s) in 3 file(s), 2 PHP file(s) scanned: 0 error(s), 0 warning(s)
                """);
        CliRun j = run("flags", "validate", "--format", "json");
        assertThat(j.code()).isZero();
        var doc = Json.parse(j.out());
        assertThat(doc.path("result").asText()).isEqualTo("passed");
        assertThat(doc.path("files").get(1).path("values").path("communities").asBoolean()).isTrue();
        CliRun m = run("flags", "validate", "--format", "markdown");
        assertThat(m.code()).isZero();
        assertThat(m.out()).startsWith("## Feature flags\n\n**Result: passed**").contains("| staging | app/.env.staging | ok |");
        assertThat(run("flags", "validate", "--format", "junit").code()).isEqualTo(2);
        CliRun log = run("ledger", "log");
        assertThat(log.out()).contains("flags-validate").containsPattern("(?s)flags-validate.*flags-validate.*flags-validate");
    }

    @Test
    void validateFailsWithFileLineAndExitOne() throws Exception {
        Path prod = dir.resolve("app/.env.production");
        Files.writeString(prod, Files.readString(prod).replace("\"communities\":false", "\"communities\":true"));
        CliRun r = run("flags", "validate");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("production   app/.env.production  1 error(s)",
                "app/.env.production:4:34: error: flag 'communities' is on in production without an approved toggle",
                "FAILED: 2 flag(s) in 3 file(s), 2 PHP file(s) scanned: 1 error(s), 0 warning(s)");
        assertThat(run("ledger", "log").out()).containsPattern("failed +flags-validate +\\S+@\\S+ +demo");
    }

    @Test
    void validateScansTheDirectoryGivenWithApp() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/Chat.php"), "<?php\nif (Feature::active('chat')) {}\n");
        CliRun r = run("flags", "validate", "--app", "src");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("source       src  1 PHP file(s)",
                "src/Chat.php:2:5: error: the code reads flag 'chat' (Feature::active('chat') which is not registered",
                "preflight.yaml:9: warning: registered flag 'communities' is not read anywhere under src",
                "preflight.yaml:11: warning: registered flag 'webauthn' is not read anywhere under src");
    }

    @Test
    void toggleRewritesTheFileRecordsItAndHistoryListAndDiffShowIt() throws Exception {
        CliRun t = run("flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "QA regression");
        assertThat(t.code()).isZero();
        assertThat(t.out()).startsWith("TOGGLED: webauthn in staging (app/.env.staging): off -> on; recorded as ledger "
                + "entry #2\n  sha256 ");
        assertThat(Files.readString(dir.resolve("app/.env.staging")))
                .isEqualTo(FlagFixture.STAGING.replace("\"webauthn\": false", "\"webauthn\": true"));
        CliRun again = run("flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "again");
        assertThat(again.code()).isZero();
        assertThat(again.out()).isEqualTo("UNCHANGED: webauthn in staging (app/.env.staging) is already on; "
                + "file not rewritten; request recorded as ledger entry #3\n");

        CliRun list = run("flags", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).isEqualTo("""
                flag         example  staging  production  type        owner          review by
                communities  off      on       off         release     learning-team  2027-06-30
                webauthn     off      on*      off         experiment  identity-team  2027-03-31

                * differs from the registry default; - missing; ? unreadable or not a boolean
                """);
        CliRun diff = run("flags", "diff", "staging", "production");
        assertThat(diff.code()).isEqualTo(1);
        assertThat(diff.out()).isEqualTo("""
                flag         staging  production
                communities  on       off
                webauthn     on       off

                2 flag(s) differ between staging and production
                """);
        CliRun same = run("flags", "diff", "example", "production");
        assertThat(same.code()).isZero();
        assertThat(same.out()).isEqualTo("no drift: example and production set every flag alike\n");
        assertThat(run("flags", "diff", "staging", "qa").code()).isEqualTo(2);

        CliRun h = run("flags", "history", "webauthn");
        assertThat(h.code()).isZero();
        assertThat(h.out()).containsPattern("#2  2026-11-24T10:00:00Z  \\S+@\\S+  staging  off -> on  PASSED  "
                + "reason: QA regression\n#3 .* staging  on -> on  PASSED  reason: again\n2 toggle\\(s\\) of 'webauthn'\n");
        assertThat(run("flags", "history", "communities").out()).isEqualTo("no toggles of 'communities' recorded in the ledger\n");
        var hj = Json.parse(run("flags", "history", "webauthn", "--format", "json").out());
        assertThat(hj.path("toggles")).hasSize(2);
        assertThat(hj.path("toggles").get(0).path("old").asBoolean(true)).isFalse();
    }

    @Test
    void productionToggleWithoutApprovalIsRefusedWithExitTwoAndTheFileByteIdentical() throws Exception {
        Path prod = dir.resolve("app/.env.production");
        byte[] before = Files.readAllBytes(prod);
        CliRun r = run("flags", "toggle", "communities", "--on", "--env", "production", "--reason", "launch");
        assertThat(r.code()).isEqualTo(2);
        // The refusal is recorded (history below), in a ledger this first command creates and announces.
        assertThat(r.err()).isEqualTo("preflight: created a new ledger at " + dir.resolve("ledger.db") + "\n"
                + "preflight: a production toggle needs --approved-by; app/.env.production was not "
                + "changed\n  hint: name the CAB approver, e.g. --approved-by 'jane.doe (ACAD-1234)'\n");
        assertThat(Files.readAllBytes(prod)).isEqualTo(before);
        assertThat(run("flags", "history", "communities").out()).contains("production  off -> on  FAILED  reason: launch");

        CliRun ok = run("flags", "toggle", "communities", "--on", "--env", "production", "--reason", "launch",
                "--approved-by", "jane (ACAD-1234)");
        assertThat(ok.code()).isZero();
        assertThat(run("flags", "validate").code()).isZero();
        assertThat(run("flags", "history", "communities").out())
                .contains("production  off -> on  PASSED  reason: launch  approved by: jane (ACAD-1234)");
    }

    @Test
    void toggleOfAFileThatFailsValidationIsRefusedWithExitOne() throws Exception {
        Path staging = dir.resolve("app/.env.staging");
        Files.writeString(staging, Files.readString(staging).replace("\"webauthn\": false", "\"webauthn\": false, \"chat\": true"));
        byte[] before = Files.readAllBytes(staging);
        CliRun r = run("flags", "toggle", "communities", "--off", "--env", "staging", "--reason", "qa");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("app/.env.staging:3:68: error: flag 'chat' is not registered in preflight.yaml "
                + "(register it or remove it) [unknown-flag]\n\nREFUSED: app/.env.staging fails validation; nothing "
                + "changed (refusal recorded as ledger entry #1)\n");
        assertThat(Files.readAllBytes(staging)).isEqualTo(before);
    }

    @Test
    void toggleUsageErrors() {
        CliRun both = run("flags", "toggle", "webauthn", "--on", "--off", "--env", "staging", "--reason", "x");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        CliRun none = run("flags", "toggle", "webauthn", "--env", "staging", "--reason", "x");
        assertThat(none.code()).isEqualTo(2);
        CliRun noReason = run("flags", "toggle", "webauthn", "--on", "--env", "staging");
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        CliRun unknown = run("flags", "toggle", "chat", "--on", "--env", "staging", "--reason", "x");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("flag 'chat' is not registered", "hint: registered: communities, webauthn");
    }

    @Test
    void runIncludesFlagValidation() throws Exception {
        CliRun r = run("run");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("flags +PASSED");
        Path prod = dir.resolve("app/.env.production");
        Files.writeString(prod, Files.readString(prod).replace("\"webauthn\":false", "\"webauthn\":\"no\""));
        CliRun bad = run("run");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).containsPattern("flags +FAILED").contains("app/.env.production:4:51: error: flag 'webauthn' "
                + "must be true or false");
    }

    @Test
    void aPlanWithoutTheSectionIsAUsageError() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), "version: 1\nproject: {name: demo}\n");
        CliRun r = run("flags", "list");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the plan has no feature_flags section");
    }

    @Test
    void listMarksMissingUnreadableAndUnregisteredFlagsInEveryFormat() throws Exception {
        Files.delete(dir.resolve("app/.env.production"));
        Path staging = dir.resolve("app/.env.staging");
        Files.writeString(staging, Files.readString(staging).replace("\"webauthn\": false", "\"chat\": true"));
        CliRun r = run("flags", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                flag         example  staging  production  type          owner          review by
                communities  off      on       ?           release       learning-team  2027-06-30
                webauthn     off      -        ?           experiment    identity-team  2027-03-31
                chat         -        on*      ?           UNREGISTERED

                * differs from the registry default; - missing; ? unreadable or not a boolean
                """);
        var j = Json.parse(run("flags", "list", "--format", "json").out());
        assertThat(j.path("flags").get(2).path("registered").asBoolean(true)).isFalse();
        assertThat(j.path("flags").get(2).path("drift").path("staging").asBoolean()).isTrue();
        assertThat(j.path("flags").get(0).path("values").path("production").isNull()).isTrue();
        CliRun md = run("flags", "list", "--format", "markdown");
        assertThat(md.out()).contains("| flag | example | staging | production | type | owner | review by |",
                "| chat | - | on\\* | ? | UNREGISTERED |  |  |");
        CliRun d = run("flags", "diff", "example", "staging", "--format", "json");
        assertThat(d.code()).isEqualTo(1);
        assertThat(Json.parse(d.out()).path("differences")).hasSize(3);
    }
}
