package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan.LocalDestination;
import dev.preflight.backup.BackupPlan.S3Destination;
import dev.preflight.core.PreflightException;
import java.util.function.Function;

/** Opens the {@link ArtifactStore} of a plan destination. */
public final class Stores {
    private final Function<Destination, ArtifactStore> open;

    /** @param s3 opens S3 destinations (an S3 client per destination) */
    public Stores(Function<S3Destination, ArtifactStore> s3) {
        this.open = d -> {
            if (d instanceof LocalDestination l) {
                return new LocalDirectoryStore(l.name(), l.path());
            } else if (d instanceof S3Destination s) {
                if (s3 == null) {
                    throw PreflightException.usage("destination '" + s.name() + "' is an S3 bucket, which this build "
                            + "cannot write", "use a local destination");
                }
                return s3.apply(s);
            }
            throw new IllegalArgumentException(String.valueOf(d));
        };
    }

    private Stores(Function<Destination, ArtifactStore> open, boolean any) {
        this.open = open;
    }

    /**
     * Stores that {@code open} makes for every destination, local ones included: how a test puts a
     * store that fails in its own way (one that stops half-way through a prune) behind the verbs.
     */
    public static Stores of(Function<Destination, ArtifactStore> open) {
        return new Stores(open, true);
    }

    public ArtifactStore open(Destination d) {
        return open.apply(d);
    }
}
