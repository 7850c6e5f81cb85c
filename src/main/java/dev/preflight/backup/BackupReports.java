package dev.preflight.backup;

import dev.preflight.backup.BackupService.CopyCheck;
import dev.preflight.backup.BackupService.PruneItem;
import dev.preflight.backup.BackupService.RunResult;
import dev.preflight.report.Style;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The old name of {@link BackupReport}'s static renderings, kept because the pinned golden and list
 * tests call it; new code uses {@link BackupReport} and its renderers.
 */
public final class BackupReports {
    private BackupReports() {
    }

    /** See {@link BackupReport#runs}. */
    public static String runs(List<RunResult> results, List<String> locked, boolean json, Style st) {
        return BackupReport.runs(results, locked, json, st);
    }

    /** See {@link BackupReport#list(List, Instant, boolean)}. */
    public static String list(List<BackupRecord> backups, Instant now, boolean json) {
        return BackupReport.list(backups, now, json);
    }

    /** See {@link BackupReport#list(List, Instant, boolean, Map)}. */
    public static String list(List<BackupRecord> backups, Instant now, boolean json,
                              Map<String, String> restoreTested) {
        return BackupReport.list(backups, now, json, restoreTested);
    }

    /** See {@link BackupReport#verify}. */
    public static String verify(List<CopyCheck> checks, boolean json, Style st) {
        return BackupReport.verify(checks, json, st);
    }

    /** See {@link BackupReport#prune}. */
    public static String prune(List<PruneItem> items, boolean applied, boolean json) {
        return BackupReport.prune(items, applied, json);
    }
}
