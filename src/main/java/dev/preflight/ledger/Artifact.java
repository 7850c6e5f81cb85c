package dev.preflight.ledger;

import java.util.Objects;

/**
 * A file an entry vouches for: where it is stored, how large it is and its SHA-256.
 *
 * @param location a path or URI ({@code /backups/x.sql.gz}, {@code s3://bucket/key},
 *                 {@code ledger:reports/audit-42.json} for artifacts held by the ledger itself)
 * @param size     bytes
 * @param sha256   lowercase hex
 */
public record Artifact(String location, long size, String sha256) {
    public Artifact {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
    }
}
