package dev.preflight.ledger;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every kind of entry Preflight writes to the ledger: its name there, the package that records it,
 * and its title in reports. The one place a kind is spelled; each capability's {@code XEvidence}
 * names its own kinds from here, and readers (risk, the readiness page, the verdict) ask here too.
 */
public enum EvidenceKind {
    AUDIT("audit", "audit", "Audits"),
    BACKUP("backup", "backup", "Backups"),
    BACKUP_VERIFY("backup-verify", "backup", "Backup verification"),
    BACKUP_PRUNE("backup-prune", "backup", "Backup pruning"),
    BACKUP_PRESENCE("backup-presence", "backup", "Backup copies present"),
    CLEANUP("cleanup", "backup", "Leftovers cleaned up"),
    RESTORE_TEST("restore-test", "restore", "Restore tests"),
    DEPS("deps", "deps", "Dependency review"),
    FLAGS_VALIDATE("flags-validate", "flags", "Feature flag validation"),
    FLAG_TOGGLE("flag-toggle", "flags", "Feature flag toggles"),
    FLAG_TOGGLE_INTENT("flag-toggle-intent", "flags", "Feature flag toggles begun"),
    CUTOVER_READINESS("cutover-readiness", "cutover", "Cutover readiness"),
    CUTOVER_STEP("cutover-step", "cutover", "Cutover steps"),
    FAILBACK_DRILL("failback-drill", "cutover", "Failback drills"),
    GATES("gates", "gates", "Gate checks"),
    GATES_PUBLISH("gates-publish", "gates", "Evidence published to the ticket"),
    ONCALL_ACK("oncall-ack", "gates", "On-call acknowledgements"),
    NOTICE_SENT("notice-sent", "gates", "Stakeholder notices"),
    RISKS("risks", "risk", "Risk register"),
    RUN("run", "readiness", "Runs"),
    READINESS("readiness", "readiness", "Readiness reports"),
    SIGN_OFF("sign-off", "readiness", "Sign-offs"),
    LEDGER_VERIFY("ledger-verify", "ledger", "Ledger verification"),
    INTERRUPTED("interrupted", "cli", "Interrupted commands");

    private final String id;
    private final String owner;
    private final String title;

    EvidenceKind(String id, String owner, String title) {
        this.id = id;
        this.owner = owner;
        this.title = title;
    }

    /** The kind as the ledger stores it (entries of older versions carry the same names). */
    public String id() {
        return id;
    }

    /** The package that records entries of this kind; no other writes them. */
    public String owner() {
        return owner;
    }

    /** How reports title a list of these entries. */
    public String title() {
        return title;
    }

    /** The kind a ledger entry names; empty for a kind this version does not know. */
    public static Optional<EvidenceKind> of(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }
}
