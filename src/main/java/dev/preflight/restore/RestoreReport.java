package dev.preflight.restore;

import dev.preflight.core.Json;
import dev.preflight.core.Progress;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The restore capability's renderer: text and JSON of a {@code restore-test} run. */
public final class RestoreReport {
    private RestoreReport() {
    }

    /** {@code restore-test}: text and JSON. */
    public static final Renderer<RestoreRun> TEST = new Renderer<>() {
        @Override
        public String text(RestoreRun run, Style style) {
            return rows(run.results(), false, style);
        }

        @Override
        public String json(RestoreRun run) {
            return rows(run.results(), true, Style.PLAIN);
        }
    };

    /** A duration as seconds with two decimals ({@code 1.25s}), {@code -} when there is none. */
    static String seconds(Duration d) {
        if (d == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fs", d.toMillis() / 1000.0);
    }

    private static String rows(List<RestoreResult> results, boolean json, Style st) {
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (RestoreResult r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("source", r.source());
                m.put("type", r.type());
                m.put("outcome", r.passed() ? "passed" : "failed");
                m.put("warning", r.onlyWarnings());
                m.put("backup_id", r.backupId());
                m.put("backup_seq", r.backupSeq());
                m.put("file", r.file());
                m.put("location", r.location());
                m.put("restored_to", r.restoredTo());
                m.put("restore_ms", r.restoreTime() == null ? null : r.restoreTime().toMillis());
                m.put("artifact_bytes", r.bytes());
                m.put("data_bytes", r.dataBytes());
                m.put("failure", r.failure());
                m.put("checks", r.checks());
                m.put("kept", r.kept());
                m.put("cleanup", r.cleanup());
                m.put("ledger_entry", r.entryId());
                rows.add(m);
            }
            return Json.pretty(Map.of("restore_tests", rows));
        }
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
                sb.append("        ").append(r.failure()).append('\n');
            }
            if (r.restoreTime() != null) {
                sb.append("        restore time ").append(seconds(r.restoreTime())).append(", artifact ")
                        .append(Progress.human(r.bytes())).append(", data ").append(Progress.human(r.dataBytes()))
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
                        .append(' ').append(c.name()).append(": ").append(c.detail()).append('\n');
            }
            if (rowsOk > 0) {
                sb.append("        ").append(st.ok("ok  ")).append("  rows: ").append(rowsOk)
                        .append(" table(s) with the dump's row count, within tolerance of the backup's\n");
            }
            for (String c : r.cleanup()) {
                sb.append("        ").append(c).append('\n');
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
