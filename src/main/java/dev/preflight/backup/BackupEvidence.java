package dev.preflight.backup;

/**
 * The ledger kinds the backup capability records: a backup attempt, a verification of its copies and
 * a prune. Their payloads are still written and read as JSON maps by the verbs and the catalogue.
 */
public final class BackupEvidence {
    /** One backup attempt of one source (subject: the source). */
    public static final String KIND = "backup";
    /** One verification of one backup's copies (subject: the source). */
    public static final String VERIFY_KIND = "backup-verify";
    /** The copies one prune deleted for one source (subject: the source). */
    public static final String PRUNE_KIND = "backup-prune";

    private BackupEvidence() {
    }
}
