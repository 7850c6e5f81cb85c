package dev.preflight.flags;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The read-only verbs of {@code flags}: {@code list} (the flag x environment matrix), {@code diff}
 * (drift between two environments) and {@code history} (a flag's recorded toggles), each with its
 * typed result.
 */
public final class FlagsLists {
    private final FlagsContext ctx;

    public FlagsLists(FlagsContext ctx) {
        this.ctx = ctx;
    }

    /** {@code flags list}: every environment's file as read now. */
    public Matrix list() {
        return new Matrix(ctx.plan(), new FlagFiles(ctx).readAll());
    }

    /** {@code flags diff A B}. */
    public Drift diff(String a, String b) {
        FlagFiles files = new FlagFiles(ctx);
        return new Drift(ctx.plan(), files.read(a), files.read(b));
    }

    /**
     * {@code flags history NAME}: every toggle attempt of the flag in any environment of this project,
     * oldest first (another project's toggles of a flag of the same name on a shared ledger are not
     * this flag's history; toggles recorded before they named their project are shown).
     */
    public History history(String flag) {
        List<LedgerEntry> entries = ctx.ledger().query(LedgerQuery.kind(FlagsEvidence.TOGGLE)).stream()
                .filter(e -> flag.equals(FlagsEvidence.Toggle.of(e).flag()))
                .filter(e -> FlagsEvidence.Toggle.of(e).project() == null
                        || FlagsEvidence.Toggle.of(e).project().equals(ctx.project())).toList();
        List<History.Toggle> toggles = new ArrayList<>(entries.stream().map(History.Toggle::of).toList());
        // A toggle stopped between its intent and its outcome changed (or may have changed) the file
        // with nothing else on the ledger: a history without it would read as "never toggled".
        Set<String> environments = new TreeSet<>();
        for (LedgerEntry i : ctx.ledger().query(LedgerQuery.kind(FlagsEvidence.INTENT))) {
            FlagsEvidence.Toggle t = FlagsEvidence.Toggle.of(i);
            if (flag.equals(t.flag()) && ctx.project().equals(t.project()) && t.environment() != null) {
                environments.add(t.environment());
            }
        }
        for (String env : environments) {
            for (FlagsEvidence.Unfinished u : FlagsEvidence.unfinished(ctx.ledger(), ctx.project(), env)) {
                if (flag.equals(u.toggle().flag())) {
                    toggles.add(History.Toggle.unfinished(u.entry()));
                }
            }
        }
        toggles.sort(Comparator.comparingLong(History.Toggle::seq));
        return new History(flag, List.copyOf(toggles));
    }

    /** The flag x environment matrix; drift is shown, not failed ({@code flags validate} is the check). */
    public record Matrix(FlagsPlan plan, List<EnvSnapshot> environments) {
        public Verdict verdict() {
            return Verdict.PASSED;
        }
    }

    /** The flags whose values differ between two environments; failed when any do (like diff(1)). */
    public record Drift(FlagsPlan plan, EnvSnapshot a, EnvSnapshot b) {
        public Verdict verdict() {
            return FlagsReport.differences(plan, a, b).isEmpty() ? Verdict.PASSED : Verdict.FAILED;
        }
    }

    /** A flag's recorded toggles, oldest first. */
    public record History(String flag, List<Toggle> toggles) {
        /** One toggle attempt as recorded. */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        @JsonPropertyOrder({"seq", "time", "actor", "outcome", "environment", "old", "new", "reason", "approved_by",
            "summary"})
        public record Toggle(long seq, String time, String actor, String outcome, String environment, Boolean old,
                             @JsonProperty("new") boolean on, String reason, String approvedBy, String summary) {
            static Toggle of(LedgerEntry e) {
                FlagsEvidence.Toggle p = FlagsEvidence.Toggle.of(e);
                return new Toggle(e.seq(), e.time().toString(), e.actor(), e.outcome().label(), p.environment(), p.old(),
                        p.on(), p.reason(), p.approvedBy(), e.summary());
            }

            /** An intent no outcome followed: the toggle stopped before it finished ({@link FlagsEvidence#unfinished}). */
            static Toggle unfinished(LedgerEntry intent) {
                FlagsEvidence.Toggle p = FlagsEvidence.Toggle.of(intent);
                return new Toggle(intent.seq(), intent.time().toString(), intent.actor(), "unfinished", p.environment(),
                        p.old(), p.on(), p.reason(), p.approvedBy(), intent.summary());
            }
        }

        @JsonIgnore
        public Verdict verdict() {
            return Verdict.PASSED;
        }
    }
}
