package dev.preflight.backup;

import dev.preflight.backup.BackupRecord.Copy;
import java.util.Locale;

/** The result of re-reading one copy in {@link BackupVerify}: how it compares to what the ledger recorded. */
public record CopyCheck(BackupRecord backup, Copy copy, Status status, String actual, String detail) {
    /** How a copy compares to what the ledger recorded. */
    public enum Status {
        OK, MISSING, MISMATCH, UNREADABLE,
        /** The copy is the same physical file as another copy of the backup. */
        SAME_FILE;

        /** The status as the ledger and the JSON write it ({@code same-file}). */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
