package dev.preflight.plan;

import java.util.List;

/**
 * A section model that backs up MySQL/MariaDB databases (the backups section). It lets the cutover's
 * contract ask which databases the plan itself backs up, without depending on the backup package: a
 * backup of another project's database on a shared ledger must not count as this one's.
 */
public interface DatabaseBackups {
    /** The origins ({@code mysql://host:port/database}, no credential) of the databases it backs up. */
    List<String> databaseOrigins();
}
