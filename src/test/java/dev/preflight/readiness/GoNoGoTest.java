package dev.preflight.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import dev.preflight.testing.MovableClock;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The verdict over section expectations, with sections of our own (real implementations of
 * {@link Section}) on a real SQLite ledger: run and readiness agree on every evidence state of one
 * of two subjects, and a section that did not pass always leaves failing evidence behind.
 */
class GoNoGoTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    MovableClock clock = new MovableClock(T0);
    Ledger ledger;
    Plan plan;

    @BeforeEach
    void open() {
        ledger = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t@h", clock);
        plan = PlanLoader.parse("p.yaml", "version: 1\nproject: {name: demo}\n", dir, Map.of());
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    /** An "audit" section over two environments; what its run does is given by the test. */
    private static Section audit(Function<RunContext, SectionResult> run) {
        return new Section() {
            @Override
            public String name() {
                return "audit";
            }

            @Override
            public boolean configured(RunContext context) {
                return true;
            }

            @Override
            public SectionResult run(RunContext context) {
                return run.apply(context);
            }

            @Override
            public List<Expected> expectations(Plan p, Duration maxAge) {
                return List.of(Expected.latest("audit", "audit", "alpha", maxAge, "preflight audit --env alpha"),
                        Expected.latest("audit", "audit", "beta", maxAge, "preflight audit --env beta"));
            }
        };
    }

    private RunContext ctx() {
        return new RunContext(plan, ledger, clock, new PrintWriter(Writer.nullWriter()));
    }

    private void record(String subject, Outcome o, Duration ago) {
        Instant now = clock.instant();
        clock.set(now.minus(ago));
        ledger.append(NewEntry.of("audit", subject, o, "audit " + o.label(), Map.of()));
        clock.set(now);
    }

    enum State { MISSING, FAILING, STALE, FRESH }

    @ParameterizedTest
    @EnumSource(State.class)
    void runAndReadinessAgreeOnEveryStateOfOneOfTwoSubjects(State state) {
        record("alpha", Outcome.PASSED, Duration.ofHours(1));
        switch (state) {
            case MISSING -> { }
            case FAILING -> {
                record("beta", Outcome.PASSED, Duration.ofHours(3));
                record("beta", Outcome.FAILED, Duration.ofHours(2));
            }
            case STALE -> record("beta", Outcome.PASSED, Duration.ofHours(25));
            case FRESH -> record("beta", Outcome.WARNING, Duration.ofHours(2));
        }
        // A section that passes without recording anything cannot refresh the evidence: both judge the same state.
        Section s = audit(c -> new SectionResult.Passed("audit", "nothing new"));
        Readiness run = new RunService(List.of(s)).run(ctx());
        Readiness readiness = new RunService(List.of(), List.of(s), "readiness").run(ctx());
        assertThat(run.go()).isEqualTo(readiness.go()).isEqualTo(state == State.FRESH);
        assertThat(run.reasons()).isEqualTo(readiness.reasons());
        List<GoNoGo.Check> checks = readiness.verdict().checks();
        assertThat(checks).extracting(c -> c.expected().subject()).containsExactly("alpha", "beta");
        assertThat(checks.get(0).state()).isEqualTo(GoNoGo.State.FRESH);
        assertThat(checks.get(1).state().name()).isEqualTo(state.name());
        if (state != State.FRESH) {
            assertThat(readiness.reasons()).singleElement().asString().startsWith("audit: audit beta: ")
                    .contains(switch (state) {
                        case MISSING -> "no evidence recorded (run preflight audit --env beta)";
                        case FAILING -> "latest evidence audit #3 at 2026-11-24T08:00:00Z (2h ago) failed";
                        case STALE -> "stale, last passed #2 at 2026-11-23T09:00:00Z (25h ago), max age 24h";
                        default -> "";
                    });
            assertThat(readiness.verdict().reasons().get(0).seq()).isEqualTo(state == State.MISSING ? 0
                    : state == State.FAILING ? 3 : 2);
        }
        // The plan overrides the max age: 2 days make the 25-hour-old pass fresh.
        plan = PlanLoader.parse("p.yaml", "version: 1\nproject: {name: demo}\nreadiness: {max_age: {audit: 2d}}\n",
                dir, Map.of());
        assertThat(new RunService(List.of(), List.of(s), "readiness").run(ctx()).go())
                .isEqualTo(state == State.FRESH || state == State.STALE);
    }

    @Test
    void aSectionThatFailsWithoutRecordingLeavesFailedEvidenceForEachSubject() {
        record("alpha", Outcome.PASSED, Duration.ofMinutes(5));
        record("beta", Outcome.PASSED, Duration.ofMinutes(5));
        // Both fresh; then a run whose audit could not run at all (no hosts, a lock held) and says so.
        Section s = audit(c -> new SectionResult.Failed("audit", "could not run", List.of("no host reachable")));
        Readiness run = new RunService(List.of(s)).run(ctx());
        assertThat(run.go()).isFalse();
        List<LedgerEntry> audits = ledger.query(new LedgerQuery("audit", null, null, 0, false));
        assertThat(audits).hasSize(4);
        assertThat(audits.subList(2, 4)).extracting(LedgerEntry::subject).containsExactly("alpha", "beta");
        assertThat(audits.subList(2, 4)).allMatch(e -> e.outcome() == Outcome.ERROR
                && e.summary().equals("audit failed: could not run (no audit evidence of " + e.subject() + " was recorded)"));
        // readiness right after sees the failure, not the older passes.
        Readiness readiness = new RunService(List.of(), List.of(s), "readiness").run(ctx());
        assertThat(readiness.go()).isFalse();
        assertThat(readiness.reasons()).isEqualTo(run.reasons()).hasSize(2);
    }

    @Test
    void aSectionThatRecordsOnlyPassesButFailsMarksEverySubjectAndACrashIsRecordedToo() {
        Section contradicts = audit(c -> {
            c.ledger().append(NewEntry.of("audit", "alpha", Outcome.PASSED, "ok", Map.of()));
            c.ledger().append(NewEntry.of("audit", "beta", Outcome.PASSED, "ok", Map.of()));
            return new SectionResult.Failed("audit", "a requirement failed", List.of());
        });
        Readiness r = new RunService(List.of(contradicts)).run(ctx());
        assertThat(r.go()).isFalse();
        assertThat(r.verdict().checks()).allMatch(c -> c.state() == GoNoGo.State.FAILING);
        Section crashes = audit(c -> {
            throw new IllegalStateException("boom");
        });
        Readiness crashed = new RunService(List.of(crashes)).run(ctx());
        assertThat(crashed.go()).isFalse();
        assertThat(ledger.latest("audit", "beta").orElseThrow().summary())
                .startsWith("audit error: section crashed: boom");
    }

    /**
     * A re-check that records what it finds under another section's expectations (as the backups'
     * presence look does) and expects nothing itself: when it crashed before recording anything, the
     * report showed "ERROR section crashed" under a GO verdict, recorded as GO, since the verdict
     * reads only what sections recorded. It is now a reason for NO-GO.
     */
    @Test
    void aReCheckThatCrashedWithoutRecordingAnythingIsNotGo() {
        record("alpha", Outcome.PASSED, Duration.ofMinutes(5));
        record("beta", Outcome.PASSED, Duration.ofMinutes(5));
        Section judged = audit(c -> new SectionResult.Passed("audit", "ok"));
        Section presence = new Section() {
            @Override
            public String name() {
                return "backups";
            }

            @Override
            public boolean configured(RunContext context) {
                return true;
            }

            @Override
            public SectionResult run(RunContext context) {
                throw new IllegalStateException("store unreachable");
            }

            @Override
            public List<Expected> expectations(Plan p, Duration maxAge) {
                return List.of();
            }
        };
        assertThat(new RunService(List.of(), List.of(judged), "readiness").run(ctx()).go()).isTrue();
        Readiness r = new RunService(List.of(presence), List.of(judged), "readiness").run(ctx());
        assertThat(r.results()).singleElement().satisfies(x -> assertThat(x.label()).isEqualTo("ERROR"));
        assertThat(r.go()).isFalse();
        assertThat(r.reasons()).anySatisfy(x -> assertThat(x).startsWith("backups: ").contains("store unreachable"));
        assertThat(ledger.latest("readiness", "demo").orElseThrow().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aPlanThatChecksNothingIsNoGo() {
        Readiness r = new RunService(List.of()).run(ctx());
        assertThat(r.go()).isFalse();
        assertThat(r.reasons()).containsExactly("plan: configures nothing that can be checked, so nothing was verified "
                + "(add requirements with environments, backups, dependencies, ...)");
        assertThat(ledger.latest("run", "demo").orElseThrow().outcome()).isEqualTo(Outcome.FAILED);
        // An empty risk register checks nothing either.
        plan = PlanLoader.parse("p.yaml", "version: 1\nproject: {name: demo}\nrisks: []\n", dir, Map.of());
        assertThat(new RunService(List.of()).run(ctx()).reasons()).singleElement().asString()
                .startsWith("plan: configures nothing that can be checked");
    }

    /**
     * A bastion whose clock was set back (a VM restored from a snapshot, NTP broken) judged week-old
     * evidence as minutes old and said GO, though the ledger itself held entries dated ten days later.
     * Any entry dated beyond the clock's tolerance makes the verdict NO-GO, naming the entry.
     */
    @Test
    void aClockBehindTheLedgerIsNoGoThoughEveryEntryLooksFresh() {
        record("alpha", Outcome.PASSED, Duration.ofHours(1));
        record("beta", Outcome.PASSED, Duration.ofHours(1));
        Section s = audit(c -> new SectionResult.Passed("audit", "nothing new"));
        assertThat(new RunService(List.of(), List.of(s), "readiness").run(ctx()).go()).isTrue();

        // Ten days on, someone checks the chain; with the right clock the audits are stale.
        Instant later = T0.plus(Duration.ofDays(10));
        clock.set(later);
        ledger.append(NewEntry.of("ledger-verify", "demo", Outcome.PASSED, "chain intact", Map.of()));
        Readiness right = new RunService(List.of(), List.of(s), "readiness").run(ctx());
        assertThat(right.go()).isFalse();
        assertThat(right.reasons()).noneMatch(r -> r.startsWith("ledger: "));

        // The same ledger read from a machine whose clock is back at T0: every audit looks an hour old.
        clock.set(T0);
        Readiness behind = new RunService(List.of(), List.of(s), "readiness").run(ctx());
        assertThat(behind.go()).isFalse();
        assertThat(behind.reasons()).anySatisfy(r -> assertThat(r).startsWith("ledger: ")
                .contains("this machine's clock (2026-11-24T10:00:00Z) is behind the ledger")
                .contains("2026-12-04T10:00:00Z").contains("by t@h"));
        // No check is shown fresh either, though each entry is an hour old by this clock.
        assertThat(behind.verdict().checks()).allSatisfy(c -> assertThat(c.reason()).contains(
                "passed, but its age cannot be judged: this machine's clock is behind ledger entry #")
                .endsWith(" (2026-12-04T10:00:00Z)")).allMatch(c -> c.state() == GoNoGo.State.STALE);
        assertThat(new RunService(List.of(s)).run(ctx()).go()).isFalse();

        // Within the tolerance of the latest entry, fresh evidence is judged again: GO.
        clock.set(later.minus(Duration.ofMinutes(4)));
        record("alpha", Outcome.PASSED, Duration.ofMinutes(1));
        record("beta", Outcome.PASSED, Duration.ofMinutes(1));
        Readiness ok = new RunService(List.of(), List.of(s), "readiness").run(ctx());
        assertThat(ok.reasons()).isEmpty();
        assertThat(ok.go()).isTrue();
    }
}
