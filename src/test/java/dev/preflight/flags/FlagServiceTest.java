package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.ExitCode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.flags.FlagsToggle.ToggleRequest;
import dev.preflight.flags.FlagsToggle.ToggleResult;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerHead;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.Verification;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every validation rule with a failing fixture and the location it names; toggles and their evidence. */
class FlagServiceTest {
    @TempDir
    Path dir;

    private Path app;
    private Ledger ledger;
    private Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void setUp() throws Exception {
        FlagFixture.write(dir);
        app = dir.resolve("app");
        ledger = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "tester@host", clock);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    private FlagsContext service() {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        return new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(), ledger, clock, dir);
    }

    private List<String> problems(FlagsValidation r) {
        return r.problems().stream().map(FlagProblem::format).toList();
    }

    private void production(String flagsLine) throws Exception {
        FlagFixture.write(app.resolve(".env.production"), FlagFixture.PRODUCTION
                .replace("APP_FEATURE_FLAGS={\"communities\":false,\"webauthn\":false}", flagsLine));
    }

    @Test
    void theFixturePassesWithNoProblemAtAll() {
        FlagsValidation r = new FlagsValidate(service()).validate(null);
        assertThat(problems(r)).isEmpty();
        assertThat(r.verdict().exitCode().code()).isZero();
        assertThat(r.sourceFiles()).isEqualTo(2);
        assertThat(r.environments()).extracting(EnvSnapshot::booleans).containsExactly(
                Map.of("communities", false, "webauthn", false), Map.of("communities", true, "webauthn", false),
                Map.of("communities", false, "webauthn", false));
    }

    @Test
    void valueThatIsNotJsonOrNotAnObjectIsAnErrorAtItsColumn() throws Exception {
        production("APP_FEATURE_FLAGS={\"communities\":false,\"webauthn\":fals}");
        assertThat(problems(new FlagsValidate(service()).validate(null))).singleElement().asString()
                .startsWith("app/.env.production:4:55: error: APP_FEATURE_FLAGS: not valid JSON: Unrecognized token 'fals'")
                .endsWith("[json]");
        production("APP_FEATURE_FLAGS=[true]");
        assertThat(problems(new FlagsValidate(service()).validate(null))).containsExactly(
                "app/.env.production:4:19: error: APP_FEATURE_FLAGS: expected a JSON object such as "
                        + "{\"communities\": false}, got an array [json]");
        production("APP_FEATURE_FLAGS=");
        assertThat(problems(new FlagsValidate(service()).validate(null))).singleElement().asString()
                .startsWith("app/.env.production:4:19: error: APP_FEATURE_FLAGS: the value is empty");
    }

    @Test
    void anUnquotedValueWithSpacesIsASyntaxErrorBecauseLaravelWouldNotBoot() throws Exception {
        production("APP_FEATURE_FLAGS={\"communities\": false, \"webauthn\": false}");
        assertThat(problems(new FlagsValidate(service()).validate(null))).singleElement().asString().startsWith(
                "app/.env.production:4:34: error: an unquoted value cannot contain whitespace");
    }

    @Test
    void everyValueMustBeABoolean() throws Exception {
        production("APP_FEATURE_FLAGS={\"communities\":\"false\",\"webauthn\":0}");
        assertThat(problems(new FlagsValidate(service()).validate(null))).containsExactly(
                "app/.env.production:4:34: error: flag 'communities' must be true or false, got the string \"false\" [not-boolean]",
                "app/.env.production:4:53: error: flag 'webauthn' must be true or false, got the number 0 [not-boolean]");
    }

    @Test
    void unknownAndMissingFlagsAreErrorsOnTheFlagsLine() throws Exception {
        production("APP_FEATURE_FLAGS={\"communities\":false,\"chat\":false}");
        assertThat(problems(new FlagsValidate(service()).validate(null))).containsExactly(
                "app/.env.production:4: error: registered flag 'webauthn' is missing from APP_FEATURE_FLAGS "
                        + "(add \"webauthn\": false) [missing-flag]",
                "app/.env.production:4:40: error: flag 'chat' is not registered in preflight.yaml "
                        + "(register it or remove it) [unknown-flag]");
    }

    @Test
    void theTemplateListsEveryFlagOff() throws Exception {
        FlagFixture.write(app.resolve(".env.example"), FlagFixture.EXAMPLE.replace("\\\"webauthn\\\": false", "\\\"webauthn\\\": true"));
        assertThat(problems(new FlagsValidate(service()).validate(null))).containsExactly(
                "app/.env.example:5:59: error: flag 'webauthn' is on in the .env.example template; every flag is listed off "
                        + "[example-on]");
    }

    @Test
    void productionFlagOnWithoutAnApprovedToggleIsAnError() throws Exception {
        production("APP_FEATURE_FLAGS={\"communities\":true,\"webauthn\":false}");
        assertThat(problems(new FlagsValidate(service()).validate(null))).singleElement().asString().startsWith(
                "app/.env.production:4:34: error: flag 'communities' is on in production without an approved toggle");
        // A staging toggle approves nothing in production; a refused production attempt neither.
        production("APP_FEATURE_FLAGS={\"communities\":false,\"webauthn\":false}");
        new FlagsToggle(service()).run(new ToggleRequest("webauthn", true, "staging", "qa", null));
        assertThatThrownBy(() -> new FlagsToggle(service()).run(new ToggleRequest("communities", true, "production", "go", " ")))
                .isInstanceOf(PreflightException.class);
        production("APP_FEATURE_FLAGS={\"communities\":true,\"webauthn\":false}");
        assertThat(new FlagsValidate(service()).validate(null).errors()).isEqualTo(1);
    }

    @Test
    void anApprovedProductionToggleMakesTheOnValueValidUntilAToggleSwitchesItOff() throws Exception {
        FlagsContext s = service();
        ToggleResult r = new FlagsToggle(s).run(new ToggleRequest("communities", true, "production", "launch", "jane (ACAD-1234)"));
        assertThat(r).isInstanceOf(ToggleResult.Changed.class);
        assertThat(problems(new FlagsValidate(s).validate(null))).isEmpty();
        new FlagsToggle(s).run(new ToggleRequest("communities", false, "production", "rollback", "jane"));
        production("APP_FEATURE_FLAGS={\"communities\":true,\"webauthn\":false}"); // switched on by hand
        assertThat(problems(new FlagsValidate(s).validate(null))).singleElement().asString().contains("[production-unapproved]");
    }

    @Test
    void flagsReadInCodeButNotRegisteredAreErrorsAtTheirUse() throws Exception {
        FlagFixture.write(app.resolve("app/Http/Controllers/Chat.php"),
                "<?php\n\nclass Chat {\n    public function x() { return config(\"feature-flags.chat\") && Feature::active('webauthn'); }\n}\n");
        FlagsValidation r = new FlagsValidate(service()).validate(null);
        assertThat(problems(r)).containsExactly("app/app/Http/Controllers/Chat.php:4:34: error: the code reads flag 'chat' "
                + "(config(\"feature-flags.chat\") which is not registered [code-unregistered]");
        assertThat(r.sourceFiles()).isEqualTo(3);
    }

    @Test
    void registeredFlagsNoCodeReadsAreWarningsAtTheirPlanLine() throws Exception {
        Files.delete(app.resolve("app/Http/Controllers/Passkeys.php"));
        FlagsValidation r = new FlagsValidate(service()).validate(null);
        assertThat(problems(r)).containsExactly("preflight.yaml:11: warning: registered flag 'webauthn' is not read "
                + "anywhere under app (remove it when retired) [code-unused]");
        assertThat(r.verdict().exitCode().code()).isZero();
    }

    @Test
    void theAppOptionOverridesTheDirectoryAndAMissingDirectoryIsAnError() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        FlagFixture.write(other.resolve("x.php"), "<?php config('feature-flags.communities');\n");
        assertThat(problems(new FlagsValidate(service()).validate(other))).containsExactly("preflight.yaml:11: warning: registered flag "
                + "'webauthn' is not read anywhere under other (remove it when retired) [code-unused]");
        assertThat(problems(new FlagsValidate(service()).validate(dir.resolve("nope")))).containsExactly(
                "nope: error: the application directory does not exist; flag use in code cannot be checked [app-dir-missing]");
    }

    @Test
    void flagsPastTheirReviewDateAreStaleWarnings() {
        clock = Clock.fixed(Instant.parse("2027-04-01T00:00:00Z"), ZoneOffset.UTC);
        FlagsValidation r = new FlagsValidate(service()).validate(null);
        assertThat(problems(r)).containsExactly("preflight.yaml:11: warning: flag 'webauthn' was due for review on "
                + "2027-03-31 (owner identity-team): retire it or move review_by [stale]");
        assertThat(r.verdict().exitCode().code()).isZero();
    }

    @Test
    void missingFilesKeysAndDuplicateKeysAreErrorsNamingWhere() throws Exception {
        Files.delete(app.resolve(".env.staging"));
        FlagFixture.write(app.resolve(".env.example"), "APP_NAME=Academy\n");
        production("APP_FEATURE_FLAGS={\"communities\":false,\"webauthn\":false}\nexport APP_FEATURE_FLAGS={}");
        assertThat(problems(new FlagsValidate(service()).validate(null))).containsExactly(
                "app/.env.example: error: no APP_FEATURE_FLAGS line; add APP_FEATURE_FLAGS='{\"communities\":false,"
                        + "\"webauthn\":false}' [key-missing]",
                "app/.env.production:5:1: error: APP_FEATURE_FLAGS is defined twice (lines 4 and 5); the application "
                        + "would read only one of them [dotenv-syntax]",
                "preflight.yaml:7: error: the staging file app/.env.staging does not exist [file-missing]");
    }

    @Test
    void validationIsRecordedWithItsReportAttached() {
        FlagsContext s = service();
        LedgerEntry e = new FlagsValidate(s).record(new FlagsValidate(s).validate(null));
        assertThat(e.kind()).isEqualTo("flags-validate");
        assertThat(e.subject()).isEqualTo("demo");
        assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(e.artifacts()).hasSize(1);
        assertThat(Json.parse(e.payload()).path("files").path("staging").asText())
                .isEqualTo(Hashing.sha256Hex(FlagFixture.STAGING.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStagingToggleChangesOnlyTheLiteralAndRecordsWhoWhatWhy() throws Exception {
        byte[] before = Files.readAllBytes(app.resolve(".env.staging"));
        ToggleResult r = new FlagsToggle(service()).run(new ToggleRequest("webauthn", true, "staging", "QA regression", null));
        byte[] after = Files.readAllBytes(app.resolve(".env.staging"));
        assertThat(new String(after, StandardCharsets.UTF_8))
                .isEqualTo(FlagFixture.STAGING.replace("\"webauthn\": false", "\"webauthn\": true"));
        assertThat(r).isInstanceOfSatisfying(ToggleResult.Changed.class, c -> {
            assertThat(c.shaBefore()).isEqualTo(Hashing.sha256Hex(before));
            assertThat(c.shaAfter()).isEqualTo(Hashing.sha256Hex(after));
        });
        LedgerEntry e = r.entry();
        assertThat(e.kind()).isEqualTo("flag-toggle");
        assertThat(e.subject()).isEqualTo("webauthn@staging");
        assertThat(e.actor()).isEqualTo("tester@host");
        assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
        var p = Json.parse(e.payload());
        assertThat(p.path("old").asBoolean(true)).isFalse();
        assertThat(p.path("new").asBoolean()).isTrue();
        assertThat(p.path("reason").asText()).isEqualTo("QA regression");
        assertThat(p.path("file").asText()).isEqualTo("app/.env.staging");
        assertThat(p.path("sha256_before").asText()).isEqualTo(Hashing.sha256Hex(before));
        assertThat(p.path("sha256_after").asText()).isEqualTo(Hashing.sha256Hex(after));
        // The same request again changes nothing but is recorded.
        assertThat(new FlagsToggle(service()).run(new ToggleRequest("webauthn", true, "staging", "again", null)))
                .isInstanceOf(ToggleResult.Unchanged.class);
        assertThat(Files.readAllBytes(app.resolve(".env.staging"))).isEqualTo(after);
        assertThat(new FlagsLists(service()).history("webauthn").toggles()).hasSize(2);
    }

    @Test
    void aProductionToggleWithoutApprovalIsRefusedAndLeavesTheFileByteIdentical() throws Exception {
        Path prod = app.resolve(".env.production");
        byte[] before = Files.readAllBytes(prod);
        var mtime = Files.getLastModifiedTime(prod);
        assertThatThrownBy(() -> new FlagsToggle(service()).run(new ToggleRequest("communities", true, "production", "launch", null)))
                .isInstanceOfSatisfying(PreflightException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).isEqualTo("a production toggle needs --approved-by; "
                            + "app/.env.production was not changed");
                });
        assertThat(Files.readAllBytes(prod)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(prod)).isEqualTo(mtime);
        List<LedgerEntry> refused = ledger.query(LedgerQuery.kind("flag-toggle"));
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.summary()).contains("refused: production toggle without --approved-by");
        });
    }

    @Test
    void aToggleOnAFileThatAlreadyFailsValidationIsRefusedAndTheFileUntouched() throws Exception {
        FlagFixture.write(app.resolve(".env.staging"), FlagFixture.STAGING.replace("\"webauthn\": false", "\"webauthn\": 1"));
        byte[] before = Files.readAllBytes(app.resolve(".env.staging"));
        ToggleResult r = new FlagsToggle(service()).run(new ToggleRequest("communities", false, "staging", "qa", null));
        assertThat(r).isInstanceOfSatisfying(ToggleResult.Refused.class, x -> assertThat(x.problems())
                .extracting(FlagProblem::format).containsExactly("app/.env.staging:3:61: error: flag 'webauthn' must be "
                        + "true or false, got the number 1 [not-boolean]"));
        assertThat(r.entry().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(Files.readAllBytes(app.resolve(".env.staging"))).isEqualTo(before);
    }

    @Test
    void badRequestsAreUsageErrorsAndTouchNothing() {
        FlagsContext s = service();
        assertThatThrownBy(() -> new FlagsToggle(s).run(new ToggleRequest("chat", true, "staging", "x", null)))
                .hasMessage("flag 'chat' is not registered");
        assertThatThrownBy(() -> new FlagsToggle(s).run(new ToggleRequest("webauthn", true, "qa", "x", null)))
                .hasMessage("no environment 'qa' in feature_flags.files");
        assertThatThrownBy(() -> new FlagsToggle(s).run(new ToggleRequest("webauthn", true, "example", "x", null)))
                .hasMessageContaining("template is not toggled");
        assertThatThrownBy(() -> new FlagsToggle(s).run(new ToggleRequest("webauthn", true, "staging", " ", null)))
                .hasMessage("a toggle needs --reason");
        assertThat(ledger.query(LedgerQuery.all())).isEmpty();
    }

    @Test
    void aProductionFlagSwitchedOnByHandCanBeSwitchedOffOrApprovedByAToggle() throws Exception {
        production("APP_FEATURE_FLAGS={\"communities\":true,\"webauthn\":false}");
        FlagsContext s = service();
        // The unapproved value of this very flag does not block the toggle that settles it.
        ToggleResult approve = new FlagsToggle(s).run(new ToggleRequest("communities", true, "production", "already live", "jane"));
        assertThat(approve).isInstanceOf(ToggleResult.Unchanged.class);
        assertThat(approve.entry().outcome()).isEqualTo(Outcome.PASSED);
        assertThat(problems(new FlagsValidate(s).validate(null))).isEmpty();
        // Another flag's unapproved value does block.
        production("APP_FEATURE_FLAGS={\"communities\":true,\"webauthn\":true}");
        assertThat(new FlagsToggle(s).run(new ToggleRequest("communities", false, "production", "off", "jane")))
                .isInstanceOf(ToggleResult.Refused.class);
    }

    /** A ledger that refuses passed toggles, as a full disk or a dropped database connection would. */
    private record FailingLedger(Ledger real) implements Ledger {
        @Override
        public LedgerEntry append(NewEntry entry) {
            if (entry.kind().equals("flag-toggle") && entry.outcome() == Outcome.PASSED) {
                throw new IllegalStateException("ledger unavailable");
            }
            return real.append(entry);
        }

        @Override
        public List<LedgerEntry> query(LedgerQuery query) {
            return real.query(query);
        }

        @Override
        public Optional<LedgerEntry> head() {
            return real.head();
        }

        @Override
        public VerifyResult verify() {
            return real.verify();
        }

        @Override
        public Verification check(LedgerHead expected) {
            return real.check(expected);
        }

        @Override
        public Optional<InputStream> openAttachment(String name) throws IOException {
            return real.openAttachment(name);
        }

        @Override
        public List<String> attachmentNames() {
            return real.attachmentNames();
        }

        @Override
        public String describe() {
            return "failing " + real.describe();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void whenTheLedgerCannotRecordTheToggleTheFileIsPutBack() throws Exception {
        Path staging = app.resolve(".env.staging");
        byte[] before = Files.readAllBytes(staging);
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        FlagsContext s = new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(),
                new FailingLedger(ledger), clock, dir);
        assertThatThrownBy(() -> new FlagsToggle(s).run(new ToggleRequest("webauthn", true, "staging", "qa", null)))
                .hasMessage("ledger unavailable");
        assertThat(Files.readAllBytes(staging)).isEqualTo(before);
    }
}
