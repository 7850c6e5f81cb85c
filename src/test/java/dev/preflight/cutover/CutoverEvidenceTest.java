package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.cutover.CutoverEvidence.CheckRow;
import dev.preflight.cutover.CutoverEvidence.Checks;
import dev.preflight.cutover.CutoverEvidence.Concluded;
import dev.preflight.cutover.CutoverEvidence.Contracted;
import dev.preflight.cutover.CutoverEvidence.Details;
import dev.preflight.cutover.CutoverEvidence.Expanded;
import dev.preflight.cutover.CutoverEvidence.FailedBack;
import dev.preflight.cutover.CutoverEvidence.Lag;
import dev.preflight.cutover.CutoverEvidence.Promoted;
import dev.preflight.cutover.CutoverEvidence.Snapshot;
import dev.preflight.cutover.CutoverEvidence.Switched;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed step details write the bytes the hand-built maps wrote, for every shape a step can
 * leave (including fields written as null and fields left out), which the golden payload files
 * cannot all reach without a database; and the history reads stored payloads of every phase back,
 * leniently.
 */
class CutoverEvidenceTest {
    private static final List<CheckRow> CHECKS = List.of(new CheckRow("academy-green health", "http://h/health", true,
            "HTTP 200 in 3 ms"), new CheckRow("smoke page", "http://h/smoke", false, "HTTP 500, expected 200"));
    private static final List<Migrations.Row> ROWS = List.of(new Migrations.Row(1, "2026_create_users", 1),
            new Migrations.Row(2, "2027_add_communities", 2));

    /** What the machine wrote before: the attempt's head, outcome and elapsed time, then the details map. */
    private static String legacy(Map<String, Object> details) {
        Map<String, Object> p = new LinkedHashMap<>(Json.fields("cutover", "c-1", "step", "expand", "attempt", 1,
                "phase", "completed", "outcome", "passed", "elapsed_ms", 12L));
        p.putAll(details);
        return Json.canonical(p);
    }

    private static String typed(Details details) {
        return Json.canonical(CutoverEvidence.completed("c-1", Step.EXPAND, 1, "passed", 12L, details));
    }

    private static List<Map<String, Object>> checkMaps() {
        List<Map<String, Object>> rows = new ArrayList<>();
        CHECKS.forEach(c -> rows.add(Map.of("name", c.name(), "url", c.url(), "passed", c.passed(), "detail", c.detail())));
        return rows;
    }

    private static Map<String, Object> map(Object... keyValues) {
        return Json.fields(keyValues);
    }

    @Test
    void everyDetailsShapeWritesWhatItsMapWrote() {
        assertThat(typed(null)).isEqualTo(legacy(Map.of()));
        assertThat(typed(new Checks(CHECKS))).isEqualTo(legacy(map("checks", checkMaps())));
        assertThat(typed(new Switched(CHECKS, "nginx /etc/nginx/x.conf")))
                .isEqualTo(legacy(map("checks", checkMaps(), "load_balancer", "nginx /etc/nginx/x.conf")));
        assertThat(typed(new Switched(null, "command load balancer")))
                .isEqualTo(legacy(map("load_balancer", "command load balancer")));
        assertThat(typed(new FailedBack("command load balancer", CHECKS, 2100, 300_000, true)))
                .isEqualTo(legacy(map("load_balancer", "command load balancer", "checks", checkMaps(), "failback_ms", 2100L,
                        "bound_ms", 300_000L, "within_bound", true)));
        assertThat(typed(new Snapshot(ROWS, null))).isEqualTo(legacy(map("before", ROWS)));
        assertThat(typed(new Snapshot(null, "Access denied"))).isEqualTo(legacy(map("before_error", "Access denied")));
        assertThat(typed(new Expanded(2, List.of("2027_x"), null, null, null)))
                .isEqualTo(legacy(map("before_count", 2, "pending", List.of("2027_x"))));
        assertThat(typed(new Expanded(2, List.of(), 0, 4, ROWS)))
                .isEqualTo(legacy(map("before_count", 2, "pending", List.of(), "command_exit", 0, "after_count", 4,
                        "new", ROWS)));
        assertThat(typed(new Expanded(0, null, 1, 0, List.of())))
                .isEqualTo(legacy(map("before_count", 0, "command_exit", 1, "after_count", 0, "new", List.of())));
        assertThat(typed(new Lag(null))).isEqualTo(legacy(map("lag_seconds", null)));
        assertThat(typed(new Lag(700L))).isEqualTo(legacy(map("lag_seconds", 700L)));
        assertThat(typed(new Promoted(0, null))).isEqualTo(legacy(map("lag_seconds", 0L, "verify", null)));
        assertThat(typed(new Promoted(0, "0"))).isEqualTo(legacy(map("lag_seconds", 0L, "verify", "0")));
        assertThat(typed(new Contracted(0, null))).isEqualTo(legacy(map("command_exit", 0)));
        assertThat(typed(new Contracted(1, ROWS))).isEqualTo(legacy(map("command_exit", 1, "new", ROWS)));
        assertThat(typed(new Concluded(3))).isEqualTo(legacy(map("rounds", 3)));
    }

    @Test
    void aStartedEntryCarriesExpandsSnapshotBesideItsHead() {
        assertThat(Json.canonical(CutoverEvidence.started("c-1", Step.EXPAND, 1, CutoverEvidence.STARTED,
                new Snapshot(ROWS, null))))
                .isEqualTo("{\"attempt\":1,\"before\":[{\"batch\":1,\"id\":1,\"migration\":\"2026_create_users\"},"
                        + "{\"batch\":2,\"id\":2,\"migration\":\"2027_add_communities\"}],\"cutover\":\"c-1\","
                        + "\"phase\":\"started\",\"step\":\"expand\"}");
    }

    @Test
    void theReadinessPayloadWritesWhatItsMapWrote() {
        assertThat(Json.canonical(new CutoverEvidence.ReadinessPayload("switched", List.of("load balancer command"),
                List.of("no failback"), null)))
                .isEqualTo(Json.canonical(map("state", "switched", "facts", List.of("load balancer command"),
                        "problems", List.of("no failback"))));
    }

    private int seq;

    private LedgerEntry entry(Instant t, String payload) {
        seq++;
        return new LedgerEntry(seq, "e" + seq, t, "me", CutoverEvidence.STEP, "staging", Outcome.PASSED, "entry " + seq,
                payload, List.of(), "", "");
    }

    @Test
    void theHistoryReadsStoredPayloadsOfEveryPhaseLeniently() {
        Instant t = Instant.parse("2027-01-09T01:00:00Z");
        List<LedgerEntry> entries = List.of(
                entry(t, "{\"cutover\":\"old\",\"phase\":\"begin\",\"until\":\"promoted\"}"),
                // The newest begin starts the current cutover; a begin without 'until' runs to switched.
                entry(t, "{\"blue\":\"b\",\"cutover\":\"c-1\",\"green\":\"g\",\"phase\":\"begin\"}"),
                entry(t, "{\"attempt\":1,\"cutover\":\"old\",\"phase\":\"started\",\"step\":\"prepare\"}"),
                entry(t, "{\"attempt\":1,\"cutover\":\"c-1\",\"phase\":\"started\",\"step\":\"prepare\"}"),
                entry(t.plusSeconds(1), "{\"attempt\":1,\"checks\":[],\"cutover\":\"c-1\",\"elapsed_ms\":40,"
                        + "\"outcome\":\"passed\",\"phase\":\"completed\",\"step\":\"prepare\",\"some_new_field\":{\"x\":1}}"),
                entry(t.plusSeconds(2), "{\"attempt\":1,\"before\":[{\"batch\":1,\"id\":7,\"migration\":\"m1\"}],"
                        + "\"cutover\":\"c-1\",\"phase\":\"started\",\"step\":\"expand\"}"),
                entry(t.plusSeconds(3), "{\"attempt\":1,\"cutover\":\"c-1\",\"phase\":\"interrupted\",\"step\":\"expand\"}"),
                entry(t.plusSeconds(4), "{\"attempt\":2,\"before\":[{\"batch\":1,\"id\":7,\"migration\":\"m1\"}],"
                        + "\"cutover\":\"c-1\",\"phase\":\"started\",\"step\":\"expand\"}"),
                entry(t.plusSeconds(5), "{\"attempt\":2,\"before_count\":1,\"command_exit\":0,\"cutover\":\"c-1\","
                        + "\"elapsed_ms\":900,\"new\":[],\"outcome\":\"warning\",\"phase\":\"completed\",\"step\":\"expand\"}"),
                entry(t.plusSeconds(6), "{\"attempt\":1,\"cutover\":\"c-1\",\"phase\":\"started\",\"step\":\"promote\"}"),
                entry(t.plusSeconds(7), "{\"attempt\":1,\"cutover\":\"c-1\",\"phase\":\"started\",\"step\":\"switch\"}"),
                entry(t.plusSeconds(8), "{\"breach\":true,\"checks\":[{\"command\":\"true\",\"exit\":0}],\"cutover\":\"c-1\","
                        + "\"phase\":\"round\",\"step\":\"stable\"}"),
                entry(t.plusSeconds(9), "{\"cutover\":\"c-1\",\"phase\":\"refused\",\"reason\":\"no backup\",\"step\":\"contract\"}"),
                entry(t.plusSeconds(10), "{\"attempt\":{\"not\":\"a number\"},\"cutover\":\"c-1\",\"phase\":\"completed\"}"));
        CutoverHistory h = CutoverHistory.of("staging", null, entries);
        assertThat(h.cutoverId()).isEqualTo("c-1");
        assertThat(h.target()).isEqualTo(CutoverState.SWITCHED);
        assertThat(h.begun()).isEqualTo(t);
        assertThat(h.state()).isEqualTo(CutoverState.EXPANDED);
        assertThat(h.attempts()).extracting(a -> a.step().label() + "#" + a.number() + " " + a.outcome() + " " + a.elapsedMs())
                .containsExactly("prepare#1 passed 40", "expand#1 interrupted 0", "expand#2 warning 900",
                        "promote#1 started 0", "switch#1 started 0");
        // An attempt keeps the snapshot its started entry took after it is interrupted or completed
        // (those entries carry none): a re-run of expand diffs against the first attempt's snapshot.
        List<Migrations.Row> snapshot = List.of(new Migrations.Row(7, "m1", 1));
        assertThat(h.attempts()).extracting(CutoverHistory.Attempt::before)
                .containsExactly(null, snapshot, snapshot, null, null);
        assertThat(h.open().step()).isEqualTo(Step.SWITCH);
        assertThat(h.rounds()).hasSize(1);
        assertThat(h.breached()).isTrue();

        CutoverHistory open = CutoverHistory.of("staging", null, entries.subList(0, 6));
        assertThat(open.open().step()).isEqualTo(Step.EXPAND);
        assertThat(open.open().before()).containsExactly(new Migrations.Row(7, "m1", 1));
    }

    @Test
    void noBeginMeansNoCutover() {
        CutoverHistory h = CutoverHistory.of("staging", null, List.of(entry(Instant.EPOCH,
                "{\"attempt\":1,\"cutover\":\"c-1\",\"phase\":\"started\",\"step\":\"prepare\"}")));
        assertThat(h.cutoverId()).isNull();
        assertThat(h.state()).isEqualTo(CutoverState.NONE);
    }

    /**
     * A begin entry of another project is not this project's cutover (a shared ledger, an environment
     * named alike); one that names no project (an older version's) is taken as this project's, so a
     * cutover begun before the upgrade can still be resumed or failed back.
     */
    @Test
    void theCurrentCutoverIsTheNewestBeginOfThisProjectOrOneThatNamesNone() {
        Instant t = Instant.parse("2027-01-09T01:00:00Z");
        LedgerEntry legacy = entry(t, "{\"cutover\":\"old\",\"phase\":\"begin\"}");
        LedgerEntry mine = entry(t.plusSeconds(1), "{\"cutover\":\"a-1\",\"phase\":\"begin\",\"project\":\"a\"}");
        LedgerEntry theirs = entry(t.plusSeconds(2), "{\"cutover\":\"b-1\",\"phase\":\"begin\",\"project\":\"b\"}");
        LedgerEntry theirStep = entry(t.plusSeconds(3),
                "{\"attempt\":1,\"cutover\":\"b-1\",\"phase\":\"started\",\"step\":\"prepare\"}");
        assertThat(CutoverHistory.of("staging", "a", List.of(legacy, mine, theirs, theirStep)).cutoverId()).isEqualTo("a-1");
        assertThat(CutoverHistory.of("staging", "a", List.of(legacy, mine, theirs, theirStep)).attempts()).isEmpty();
        assertThat(CutoverHistory.of("staging", "c", List.of(legacy, mine, theirs)).cutoverId()).isEqualTo("old");
        assertThat(CutoverHistory.of("staging", "c", List.of(mine, theirs)).state()).isEqualTo(CutoverState.NONE);
    }
}
