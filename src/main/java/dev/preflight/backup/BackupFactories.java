package dev.preflight.backup;

/** The production wiring of stores (local directories; S3 where this build has it). */
public final class BackupFactories {
    private BackupFactories() {
    }

    public static Stores stores() {
        return new Stores(null);
    }
}
