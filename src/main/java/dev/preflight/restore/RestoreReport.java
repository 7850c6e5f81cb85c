package dev.preflight.restore;

import static dev.preflight.report.Visible.line;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Json;
import dev.preflight.core.Sizes;
import dev.preflight.report.Durations;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.util.List;

/** The restore capability's renderer: text and JSON of a {@code restore-test} run. */
public final class RestoreReport {
    private RestoreReport() {
    }

    /** {@code restore-test}: text and JSON. */
    public static final Renderer<RestoreRun> TEST = new Renderer<>() {
        @Override
        public String text(RestoreRun run, Style style) {
            return lines(run.results(), style);
        }

        @Override
        public String json(RestoreRun run) {
            return Json.pretty(new TestsJson(run.results().stream().map(TestJson::of).toList()));
        }
    };

    /** The JSON of a run: its results under {@code restore_tests}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TestsJson(List<TestJson> restoreTests) {
    }

    /**
     * One result as JSON: {@code outcome} is passed or failed, {@code warning} says a failure is
     * only a warning (an empty dump).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"source", "type", "outcome", "warning", "backup_id", "backup_seq", "file", "location",
        "restored_to", "restore_ms", "artifact_bytes", "data_bytes", "failure", "checks", "kept", "cleanup",
        "ledger_entry"})
    record TestJson(String source, String type, String outcome, boolean warning, String backupId, long backupSeq,
                    String file, String location, String restoredTo, Long restoreMs, long artifactBytes,
                    long dataBytes, String failure, List<Check> checks, boolean kept, List<String> cleanup,
                    String ledgerEntry) {
        static TestJson of(RestoreResult r) {
            return new TestJson(r.source(), r.type(), r.passed() ? "passed" : "failed", r.onlyWarnings(),
                    r.backupId(), r.backupSeq(), r.file(), r.location(), r.restoredTo(),
                    r.restoreTime() == null ? null : r.restoreTime().toMillis(), r.bytes(), r.dataBytes(),
                    r.failure(), r.checks(), r.kept(), r.cleanup(), r.entryId());
        }
    }

    private static String lines(List<RestoreResult> results, Style st) {
        StringBuilder sb = new StringBuilder();
        for (RestoreResult r : results) {
            sb.append(r.passed() ? st.ok("PASSED") : r.onlyWarnings() ? st.bad("WARNING") : st.bad("FAILED"))
                    .append("  ").append(r.source());
            if (r.backupId() != null) {
                sb.append("  backup ").append(r.backupId(), 0, 8).append(" (").append(r.file()).append(')');
            }
            if (r.restoredTo() != null) {
                sb.append(" -> ").append(r.restoredTo());
            }
            sb.append('\n');
            if (r.failure() != null) {
                // The client's or the server's own words (stderr, an HTTP error): one line.
                sb.append("        ").append(line(r.failure())).append('\n');
            }
            if (r.restoreTime() != null) {
                sb.append("        restore time ").append(Durations.seconds(r.restoreTime())).append(", artifact ")
                        .append(Sizes.binary(r.bytes())).append(", data ").append(Sizes.binary(r.dataBytes()))
                        .append('\n');
            }
            int rowsOk = 0;
            for (Check c : r.checks()) {
                if (c.kind().equals("rows") && c.passed()) {
                    rowsOk++;
                    continue;
                }
                sb.append("        ").append(c.passed() ? st.ok("ok  ") : c.warning() ? st.bad("WARN") : st.bad("FAIL"))
                        .append("  ").append(c.kind())
                        .append(' ').append(c.name()).append(": ").append(line(c.detail())).append('\n');
            }
            if (rowsOk > 0) {
                sb.append("        ").append(st.ok("ok  ")).append("  rows: ").append(rowsOk)
                        .append(" table(s) with the dump's row count, within tolerance of the backup's\n");
            }
            for (String c : r.cleanup()) {
                sb.append("        ").append(line(c)).append('\n');
            }
            if (r.entryId() != null) {
                sb.append("        ledger entry ").append(r.entryId()).append('\n');
            }
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        sb.append(results.size() - failed).append(" restore test(s) passed, ").append(failed).append(" failed\n");
        return sb.toString();
    }
}
