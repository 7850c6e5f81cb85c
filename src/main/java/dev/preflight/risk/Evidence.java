package dev.preflight.risk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.report.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence names a plan's controls may use, and how each is found in the ledger: a ledger
 * kind, plus payload fields for evidence that is one particular kind of step (a failback drill is a
 * cutover step whose step is {@code failback}).
 */
public final class Evidence {
    private Evidence() {
    }

    /** How one evidence name is looked up. */
    public record Source(String kind, Map<String, String> payload, String recordedBy) {
    }

    /** Every evidence name, with what records it. */
    public static final Map<String, Source> NAMES = Map.ofEntries(
            Map.entry("audit", new Source("audit", Map.of(), "preflight audit")),
            Map.entry("backup", new Source("backup", Map.of(), "preflight backup run")),
            Map.entry("backup-verify", new Source("backup-verify", Map.of(), "preflight backup verify")),
            Map.entry("restore-test", new Source("restore-test", Map.of(), "preflight restore-test")),
            Map.entry("deps", new Source("deps", Map.of(), "preflight deps")),
            Map.entry("flags-validate", new Source("flags-validate", Map.of(), "preflight flags validate")),
            Map.entry("failback-drill", new Source("cutover-step", Map.of("step", "failback"),
                    "preflight cutover failback")),
            Map.entry("gates", new Source("gates", Map.of(), "preflight gates check")),
            Map.entry("ledger-verify", new Source("ledger-verify", Map.of(), "preflight run")));

    /**
     * The newest ledger entry that is evidence for the control (whatever its outcome): the newest
     * entry of the kind and subject whose payload carries every required field.
     */
    public static Optional<LedgerEntry> latest(Ledger ledger, RiskPlan.Control c) {
        Source s = NAMES.get(c.evidence());
        Map<String, String> need = new HashMap<>(s.payload());
        need.putAll(c.where());
        if (need.isEmpty()) {
            return ledger.latest(s.kind(), c.subject());
        }
        List<LedgerEntry> all = ledger.query(new LedgerQuery(s.kind(), c.subject(), null, 0, true));
        for (LedgerEntry e : all) {
            if (matches(e, need)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(LedgerEntry e, Map<String, String> need) {
        JsonNode p;
        try {
            p = Json.parse(e.payload());
        } catch (IllegalArgumentException ex) {
            return false;
        }
        for (var kv : need.entrySet()) {
            JsonNode v = p.path(kv.getKey());
            if (v.isMissingNode() || !v.asText().equals(kv.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** {@code 24h}, {@code 7d}, {@code 90m}: durations as plans write them ({@link Durations#plan}). */
    public static String human(Duration d) {
        return Durations.plan(d);
    }
}
