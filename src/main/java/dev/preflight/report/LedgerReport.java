package dev.preflight.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerBundles.BundleSummary;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Verification;
import dev.preflight.ledger.VerifyResult;
import java.util.List;

/**
 * The renderers of {@code preflight ledger log|verify|export}. They live in report, not in ledger,
 * because the ledger stands on core alone (docs/architecture.md) while report may read the ledger
 * it renders. JSON is the records below (and the ledger's own {@link LedgerEntry}), serialised by Jackson.
 */
public final class LedgerReport {
    private LedgerReport() {
    }

    /** {@code ledger log}: the entries selected, oldest first, in the ledger described, at its head. */
    public record Log(List<LedgerEntry> entries, String ledger, String head) {
        public Log {
            entries = List.copyOf(entries);
        }
    }

    /** {@code ledger verify}: what was verified (a ledger or a bundle) and how it stands. */
    public record Checked(String ledger, Verification verification) {
    }

    /** {@code ledger export}: where the bundle went and what it holds. */
    public record Exported(String bundle, BundleSummary summary) {
    }

    /** The JSON of an intact chain, with the head to pin with {@code --expect-head}. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record IntactJson(String ledger, boolean intact, long entries, String head, long headSeq, String expectHead,
                             List<String> witnesses) {
    }

    /** The JSON of a broken chain: the first bad entry and why. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record BrokenJson(String ledger, boolean intact, long entries, long firstBadSeq, String reason,
                             List<String> witnesses) {
    }

    /**
     * The JSON of an export: where the bundle went, what it holds, and the head it carries (to pin
     * with --expect-head). Jackson writes the renamed head fields after {@code signed}; the order
     * is pinned, as it has always been printed.
     */
    @JsonPropertyOrder({"bundle", "entries", "attachments", "signed", "head_seq", "head_hash"})
    public record ExportJson(String bundle, long entries, int attachments, @JsonProperty("head_seq") long headSeq,
                             @JsonProperty("head_hash") String headHash, boolean signed) {
    }

    /** {@code ledger log}: a table and a count line; JSON the entries themselves. */
    public static final Renderer<Log> LOG = new Renderer<>() {
        @Override
        public String text(Log log, Style style) {
            List<LedgerEntry> entries = log.entries();
            return table(entries) + entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies") + " in "
                    + log.ledger() + ", head " + log.head() + "\n";
        }

        @Override
        public String json(Log log) {
            return Json.pretty(log.entries());
        }
    };

    /** {@code ledger verify}: INTACT or BROKEN, the witnesses consulted, and the head to keep. */
    public static final Renderer<Checked> VERIFY = new Renderer<>() {
        @Override
        public String text(Checked c, Style style) {
            VerifyResult result = c.verification().result();
            StringBuilder sb = new StringBuilder();
            if (result instanceof VerifyResult.Intact i) {
                sb.append(style.ok("INTACT")).append(": ").append(i.entries()).append(" entries, head ")
                        .append(i.headHash()).append(" (").append(c.ledger()).append(")\n");
            } else if (result instanceof VerifyResult.Broken b) {
                sb.append(style.bad("BROKEN")).append(": ").append(Visible.line(b.reason())).append(" (")
                        .append(b.firstBadSeq() > 0 ? "first bad entry #" + b.firstBadSeq() + "; " : "")
                        .append(b.entries()).append(" entries read from ").append(c.ledger()).append(")\n");
            }
            for (String w : c.verification().witnesses()) {
                sb.append("  ").append(Visible.line(w)).append('\n');
            }
            if (result instanceof VerifyResult.Intact i) {
                sb.append("  keep this head to check later: preflight ledger verify --expect-head ")
                        .append(i.entries()).append(':').append(i.headHash()).append('\n');
            }
            return sb.toString();
        }

        @Override
        public String json(Checked c) {
            List<String> witnesses = c.verification().witnesses();
            if (c.verification().result() instanceof VerifyResult.Broken b) {
                return Json.pretty(new BrokenJson(c.ledger(), false, b.entries(), b.firstBadSeq(), b.reason(), witnesses));
            }
            VerifyResult.Intact i = (VerifyResult.Intact) c.verification().result();
            return Json.pretty(new IntactJson(c.ledger(), true, i.entries(), i.headHash(), i.entries(),
                    i.entries() + ":" + i.headHash(), witnesses));
        }
    };

    /** {@code ledger export}: one line; JSON the bundle's facts. */
    public static final Renderer<Exported> EXPORT = new Renderer<>() {
        @Override
        public String text(Exported e, Style style) {
            return "exported " + e.summary() + " to " + e.bundle() + "\n";
        }

        @Override
        public String json(Exported e) {
            BundleSummary s = e.summary();
            return Json.pretty(new ExportJson(e.bundle(), s.entries(), s.attachments(), s.head().seq(), s.head().hash(),
                    s.signed())) + "\n";
        }
    };

    /**
     * One row per entry under a header, each column as wide as its longest value (kinds such as
     * {@code flags-validate} or {@code restore-test-cleanup} are longer than a fixed width), the
     * summary last so it may run on.
     */
    static String table(List<LedgerEntry> entries) {
        if (entries.isEmpty()) {
            return "";
        }
        Table t = new Table().fixedWidth(1, 20).lastColumnRuns()
                .row("SEQ", "TIME (UTC)", "OUTCOME", "KIND", "ACTOR", "SUBJECT", "SUMMARY");
        for (LedgerEntry e : entries) {
            t.row("#" + e.seq(), e.time(), e.outcome().label(), e.kind(), e.actor(), e.subject(), e.summary());
        }
        return t.render();
    }
}
