package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.Secrets;
import dev.preflight.flags.FlagsToggle.ToggleRequest;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import dev.preflight.ledger.LedgerHead;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Verification;
import dev.preflight.ledger.VerifyResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A toggle stopped between its steps, the way SIGKILL or a power loss stops it: the write is a real
 * implementation of {@link FlagsToggle.EnvWriter} that throws an {@link Error} nothing in the
 * toggle catches, so no code after it runs (no outcome, no restore). The intent is on the ledger
 * before the file changes; an intent without an outcome fails validation and readiness naming the
 * flag and how to reconcile, and re-running the toggle reconciles it.
 */
class ToggleInterruptedTest {
    @TempDir
    Path dir;

    /** The process died here. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
    }

    private List<LedgerEntry> entries(CliHarness cli, String kind) {
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t", cli.clock)) {
            return l.query(LedgerQuery.kind(kind));
        }
    }

    private void toggle(CliHarness cli, FlagsToggle.EnvWriter writer, ToggleRequest q) throws Exception {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "sre@bastion", cli.clock)) {
            FlagsContext ctx = new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(), l,
                    cli.clock, dir, Duration.ofSeconds(5));
            assertThatThrownBy(() -> new FlagsToggle(ctx, writer).run(q)).isInstanceOf(Killed.class);
        }
    }

    @Test
    void aStagingToggleKilledAfterTheWriteFailsValidationUntilReRun() throws Exception {
        FlagFixture.write(dir);
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(cli.run("flags", "validate").code()).isZero();
        byte[] before = Files.readAllBytes(dir.resolve("app/.env.staging"));

        toggle(cli, (file, content) -> {
            DotenvIo.write(file, content);
            throw new Killed();
        }, new ToggleRequest("webauthn", true, "staging", "QA run", null));

        assertThat(Files.readAllBytes(dir.resolve("app/.env.staging"))).isNotEqualTo(before);
        List<LedgerEntry> intents = entries(cli, FlagsEvidence.INTENT);
        assertThat(intents).hasSize(1);
        assertThat(entries(cli, FlagsEvidence.TOGGLE)).isEmpty();

        CliRun v = cli.run("flags", "validate");
        assertThat(v.out()).as(v.all()).contains("toggle-unfinished", "flag 'webauthn'", "#" + intents.get(0).seq(),
                "no recorded outcome", "the file now holds the intended change",
                "preflight flags toggle webauthn --on --env staging", "preflight flags toggle webauthn --off --env staging");
        assertThat(v.code()).isEqualTo(1);
        CliRun ready = cli.run("readiness");
        assertThat(ready.out() + ready.err()).as(ready.all()).contains("webauthn");
        assertThat(ready.code()).isEqualTo(1);
        // The flag's history shows the toggle that began and never finished, not an empty history.
        CliRun history = cli.run("flags", "history", "webauthn");
        assertThat(history.out()).as(history.all()).contains("#" + intents.get(0).seq(), "staging", "off -> on",
                "UNFINISHED").doesNotContain("no toggles");

        // Another flag of the file is not toggled over an unreconciled change.
        CliRun other = cli.run("flags", "toggle", "communities", "--off", "--env", "staging", "--reason", "x");
        assertThat(other.out()).as(other.all()).contains("toggle-unfinished");
        assertThat(other.code()).isEqualTo(1);

        // Re-running the same toggle records the file as it is: reconciled.
        CliRun again = cli.run("flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "QA run (again)");
        assertThat(again.code()).as(again.all()).isZero();
        CliRun after = cli.run("flags", "validate");
        assertThat(after.code()).as(after.all()).isZero();
        // Settled by the re-run: the history no longer calls the first attempt unfinished.
        CliRun settled = cli.run("flags", "history", "webauthn");
        assertThat(settled.out()).as(settled.all()).doesNotContain("UNFINISHED").contains("1 toggle(s)");
    }

    @Test
    void aProductionToggleKilledBeforeTheWriteIsNotAnApprovalAndFailsReadiness() throws Exception {
        FlagFixture.write(dir);
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(cli.run("flags", "validate").code()).isZero();
        byte[] before = Files.readAllBytes(dir.resolve("app/.env.production"));

        toggle(cli, (file, content) -> {
            throw new Killed();
        }, new ToggleRequest("communities", true, "production", "launch", "cab (ACAD-1)"));

        assertThat(Files.readAllBytes(dir.resolve("app/.env.production"))).isEqualTo(before);
        assertThat(entries(cli, FlagsEvidence.INTENT)).hasSize(1);
        // The file is as validated, but the ledger holds a change it cannot vouch for: not GO.
        CliRun ready = cli.run("readiness");
        assertThat(ready.out() + ready.err()).as(ready.all()).contains("communities", "no recorded outcome");
        assertThat(ready.code()).isEqualTo(1);

        // Someone now puts the flag on by hand, as the stopped toggle meant to: not approved.
        Files.writeString(dir.resolve("app/.env.production"), FlagFixture.PRODUCTION.replace("\"communities\":false",
                "\"communities\":true"));
        CliRun v = cli.run("flags", "validate");
        assertThat(v.out()).as(v.all()).contains("toggle-unfinished", "production-unapproved",
                "the file now holds the intended change", "--approved-by WHO");
        assertThat(v.code()).isEqualTo(1);

        // Reverting with a toggle reconciles it (production still needs its approver).
        CliRun revert = cli.run("flags", "toggle", "communities", "--off", "--env", "production", "--reason", "revert",
                "--approved-by", "cab (ACAD-1)");
        assertThat(revert.code()).as(revert.all()).isZero();
        assertThat(cli.run("flags", "validate").code()).isZero();
    }

    @Test
    void aWriteThatFailsLeavesAFailedOutcomeAndNothingUnfinished() throws Exception {
        FlagFixture.write(dir);
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "sre@bastion", cli.clock)) {
            FlagsContext ctx = new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(), l,
                    cli.clock, dir, Duration.ofSeconds(5));
            assertThatThrownBy(() -> new FlagsToggle(ctx, (file, content) -> {
                throw new java.io.IOException("disk full");
            }).run(new ToggleRequest("webauthn", true, "staging", "QA", null))).hasMessageContaining("disk full");
            List<LedgerEntry> outcomes = l.query(LedgerQuery.kind(FlagsEvidence.TOGGLE));
            assertThat(outcomes).hasSize(1);
            assertThat(outcomes.get(0).outcome()).isEqualTo(dev.preflight.ledger.Outcome.FAILED);
        }
        assertThat(cli.run("flags", "validate").code()).isZero();
    }

    /** A real ledger whose outcome appends fail {@code failures} times (a store that went away mid-toggle). */
    private static final class FailingOutcomes implements Ledger {
        private final Ledger real;
        private int failures;

        FailingOutcomes(Ledger real, int failures) {
            this.real = real;
            this.failures = failures;
        }

        @Override
        public LedgerEntry append(NewEntry entry) {
            if (entry.kind().equals(FlagsEvidence.TOGGLE) && failures > 0) {
                failures--;
                throw new IllegalStateException("database is locked");
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
        public Optional<InputStream> openAttachment(String name) throws java.io.IOException {
            return real.openAttachment(name);
        }

        @Override
        public List<String> attachmentNames() {
            return real.attachmentNames();
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void anOutcomeThatCannotBeRecordedPutsTheFileBackAndIsNeverTakenAsDone() throws Exception {
        FlagFixture.write(dir);
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        byte[] before = Files.readAllBytes(dir.resolve("app/.env.staging"));
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        for (int failures : new int[] {1, 2}) {
            try (Ledger l = new FailingOutcomes(Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "sre@bastion",
                    cli.clock), failures)) {
                FlagsContext ctx = new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(),
                        l, cli.clock, dir, Duration.ofSeconds(5));
                assertThatThrownBy(() -> new FlagsToggle(ctx).run(new ToggleRequest("webauthn", true, "staging", "QA",
                        null))).hasMessageContaining("database is locked");
            }
            assertThat(Files.readAllBytes(dir.resolve("app/.env.staging"))).isEqualTo(before);
            CliRun v = cli.run("flags", "validate");
            if (failures == 1) {
                // The failed outcome was recorded after the file was put back: nothing is unfinished.
                assertThat(v.code()).as(v.all()).isZero();
            } else {
                // Nothing could be recorded: the intent stays unfinished, and says the file is as before.
                assertThat(v.out()).as(v.all()).contains("toggle-unfinished", "the file now holds the state before it");
                assertThat(v.code()).isEqualTo(1);
            }
        }
    }
}
