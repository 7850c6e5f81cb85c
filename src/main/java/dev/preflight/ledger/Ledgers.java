package dev.preflight.ledger;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * Opens the ledger a URL names: the embedded SQLite default ({@code .preflight/ledger.db} beside
 * the plan), {@code sqlite:PATH} / {@code jdbc:sqlite:PATH}, or {@code jdbc:postgresql://...}.
 */
public final class Ledgers {
    private Ledgers() {
    }

    public static Ledger open(String url, Path defaultDir, Secrets secrets, String actor, Clock clock) {
        try {
            if (url == null || url.isBlank()) {
                return sqlite(defaultDir.resolve(".preflight").resolve("ledger.db"), secrets, actor, clock);
            }
            if (url.startsWith("jdbc:sqlite:") || url.startsWith("sqlite:")) {
                String p = url.substring(url.indexOf("sqlite:") + "sqlite:".length());
                return sqlite(defaultDir.resolve(p), secrets, actor, clock);
            }
            if (url.startsWith("jdbc:postgresql:")) {
                migrate(url, JdbcLedger.Dialect.POSTGRESQL, secrets);
                Connection c = DriverManager.getConnection(url);
                return new JdbcLedger(c, JdbcLedger.Dialect.POSTGRESQL, secrets, actor, clock, redactUrl(url));
            }
        } catch (SQLException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot open the ledger "
                    + secrets.redact(redactUrl(url)) + ": " + secrets.redact(dev.preflight.core.Errors.describe(e)),
                    "check that the database is reachable and the credentials are right", e);
        } catch (java.io.IOException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot create the ledger directory: "
                    + dev.preflight.core.Errors.describe(e), null, e);
        }
        throw PreflightException.usage("unsupported ledger URL '" + secrets.redact(redactUrl(url)) + "'",
                "use sqlite:PATH or jdbc:postgresql://host:5432/db");
    }

    private static Ledger sqlite(Path file, Secrets secrets, String actor, Clock clock)
            throws SQLException, java.io.IOException {
        Path abs = file.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode: a committed append survives a process crash; only an OS crash or power
        // loss can lose the last transactions, never corrupt the chain. It keeps appends fast.
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(30_000);
        // IMMEDIATE: the write lock is taken when the transaction begins, before the head is read.
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Properties props = cfg.toProperties();
        // Flyway takes no lock on SQLite: serialise first-time migrations of one file across processes.
        Path lockFile = abs.resolveSibling(abs.getFileName() + ".migrate.lock");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock ignored = ch.lock()) {
            migrate("jdbc:sqlite:" + abs, JdbcLedger.Dialect.SQLITE, secrets);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + abs, props);
        return new JdbcLedger(c, JdbcLedger.Dialect.SQLITE, secrets, actor, clock, abs.toString());
    }

    // Flyway logs its banner and progress at INFO through SLF4J -> JUL; reports must stay clean.
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    private static void migrate(String url, JdbcLedger.Dialect dialect, Secrets secrets) {
        if (FLYWAY_LOG.getLevel() == null) {
            FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
        }
        try {
            JdbcLedger.migrate(url, dialect);
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot migrate the ledger schema at "
                    + secrets.redact(redactUrl(url)) + ": " + secrets.redact(dev.preflight.core.Errors.describe(e)),
                    "is this a Preflight ledger, written by a compatible version?", e);
        }
    }

    /** Removes a password from a JDBC URL before it is shown anywhere. */
    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("//([^:/@]+):[^@/]*@", "//$1:****@");
    }

    /** {@code user@host} of the person or runner appending entries. */
    public static String defaultActor() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
