package dev.preflight.backup;

import java.util.List;

/** What {@link BackupPrune} does with one backup, why, and the deletions that failed. */
public record PruneItem(BackupRecord backup, Action action, String reason, List<String> errors) {
    public PruneItem {
        errors = List.copyOf(errors);
    }

    /** Keep, or delete (done with {@code --apply}), or refuse to judge the source's retention by this clock (kept). */
    public enum Action {
        KEEP, KEEP_NEWEST_VERIFIED, DELETE, REFUSED
    }
}
