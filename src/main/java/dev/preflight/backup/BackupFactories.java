package dev.preflight.backup;

/** The production wiring of destination stores: local directories and S3 buckets. */
public final class BackupFactories {
    private BackupFactories() {
    }

    public static Stores stores() {
        return new Stores(d -> new S3Store(d.name(), S3Clients.create(d.endpoint()), d.bucket(), d.prefix()));
    }
}
