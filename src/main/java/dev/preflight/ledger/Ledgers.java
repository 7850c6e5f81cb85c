package dev.preflight.ledger;

import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.Hashing;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens the ledger a URL names: the embedded SQLite default ({@code .preflight/ledger.db} beside
 * the plan), {@code sqlite:PATH} / {@code jdbc:sqlite:PATH}, or {@code jdbc:postgresql://...}.
 * What may happen to a missing ledger depends on the {@link LedgerAccess}: only an appending command
 * creates one, and never where a head file says a ledger with entries existed. A file that is not a
 * ledger, or cannot be read, is exit 3 in one line naming the path and the cause, before Flyway runs.
 * Over 400 lines on purpose: every way an existing file can fail to be a ledger (missing, replaced,
 * read-only, another database, a newer schema) is decided here, before anything writes, in one place.
 */
public final class Ledgers {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    // Writers wait this long for another process's append (each holds the lock for milliseconds).
    private static final int BUSY_TIMEOUT_MS = 30_000;

    private Ledgers() {
    }

    /**
     * How to open: the access a command needs, the key that signs or checks heads, and where to say
     * "created a new ledger at PATH".
     */
    public record Options(LedgerAccess access, Optional<HeadKey> key, Consumer<String> notices) {
        public Options {
            Objects.requireNonNull(access, "access");
            key = key == null ? Optional.empty() : key;
            notices = notices == null ? s -> { } : notices;
        }

        /** Appending, may create, unsigned, notices dropped: what {@link #open(String, Path, Secrets, String, Clock)} uses. */
        public static Options create() {
            return new Options(LedgerAccess.CREATE, Optional.empty(), null);
        }
    }

    /**
     * Loads the JDBC drivers and SQLite's native library, which the first ledger open otherwise does
     * on the command's own thread (30-60 ms under load): for a start-up thread to call while the
     * command is still reading its arguments and plan. Failures are left for the open to report.
     */
    public static void warmUp() {
        DriverManager.getDrivers();
        try {
            org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception | LinkageError ignored) {
            // the open reports it
        }
    }

    /** Opens for appending, creating the ledger if none exists and no head file says one did. */
    public static Ledger open(String url, Path defaultDir, Secrets secrets, String actor, Clock clock) {
        return open(url, defaultDir, secrets, actor, clock, Options.create());
    }

    public static Ledger open(String url, Path defaultDir, Secrets secrets, String actor, Clock clock, Options options) {
        if (url == null || url.isBlank()) {
            return sqlite(defaultDir.resolve(".preflight").resolve("ledger.db"), secrets, actor, clock, options);
        }
        if (url.startsWith("jdbc:sqlite:") || url.startsWith("sqlite:")) {
            String p = url.substring(url.indexOf("sqlite:") + "sqlite:".length());
            return sqlite(defaultDir.resolve(p), secrets, actor, clock, options);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return postgresql(url, defaultDir, secrets, actor, clock, options);
        }
        throw PreflightException.usage("unsupported ledger URL '" + secrets.redact(redactUrl(url)) + "'",
                "use sqlite:PATH or jdbc:postgresql://host:5432/db");
    }

    /** The head file that witnesses the SQLite ledger at {@code db}. */
    public static Path sqliteHeadFile(Path db) {
        Path abs = db.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".head");
    }

    /**
     * The head file this machine keeps for a PostgreSQL ledger: under {@code baseDir/.preflight/ledger-heads/},
     * named after host, port and database (never user or password), so every URL spelling of one
     * database with the same host name shares it.
     */
    public static Path postgresqlHeadFile(String url, Path baseDir) {
        String rest = url.substring("jdbc:postgresql:".length()).replaceFirst("^//", "");
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        rest = rest.replaceFirst("^[^@/]*@", "");
        String name = rest.replaceAll("[^A-Za-z0-9._-]", "_");
        return baseDir.toAbsolutePath().normalize().resolve(".preflight").resolve("ledger-heads")
                .resolve("postgresql-" + name + "-" + Hashing.sha256Hex(rest.getBytes(StandardCharsets.UTF_8))
                        .substring(0, 12) + ".head");
    }

    // ---- SQLite -------------------------------------------------------------------------------

    private static Ledger sqlite(Path file, Secrets secrets, String actor, Clock clock, Options o) {
        Path abs = file.toAbsolutePath().normalize();
        String where = abs.toString();
        HeadWitness witness = new HeadWitness(sqliteHeadFile(abs), where, o.key());
        // Checked before anything is created or locked, so a read never leaves a trace.
        inspectFile(abs, witness, o.access());
        if (o.access() == LedgerAccess.READ) {
            return new JdbcLedger(openReadOnly(abs), JdbcLedger.Dialect.SQLITE, secrets, actor, clock, where,
                    witness, true);
        }
        boolean created = false;
        try (LedgerLock ignored = LedgerLock.acquire(witness.lockFile())) {
            // Again under the lock: another process may have created it in the meantime.
            boolean fresh = inspectFile(abs, witness, o.access());
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + abs, writerConfig(false).toProperties())) {
                Set<String> tables = tables(c, where);
                if (!tables.contains("ledger_entries")) {
                    if (!tables.isEmpty()) {
                        throw cannotOpen(where, "not a Preflight ledger (an SQLite database without its tables)");
                    }
                    fresh = true;
                    inspectEmpty(where, true, witness, o.access());
                }
                if (!current(c)) {
                    migrate("jdbc:sqlite:" + abs, JdbcLedger.Dialect.SQLITE, where);
                }
            }
            created = fresh;
        } catch (SQLException e) {
            throw cannotOpen(where, cause(e, abs));
        } catch (IOException e) {
            throw cannotWrite(where, e);
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + abs, writerConfig(true).toProperties());
            JdbcLedger l = new JdbcLedger(c, JdbcLedger.Dialect.SQLITE, secrets, actor, clock, where, witness, false);
            if (created) {
                o.notices().accept("created a new ledger at " + where);
            }
            return l;
        } catch (SQLException e) {
            throw cannotOpen(where, cause(e, abs));
        }
    }

    /**
     * Journal and sync settings for appends: WAL with synchronous=NORMAL, and every append ends
     * with a FULL checkpoint ({@link JdbcLedger}), which syncs the WAL, copies the entry into the
     * database file and syncs that. So when an append returns, the database file alone holds it:
     * a crash, a power cut or the loss of the {@code -wal} file loses no committed entry. That is
     * three flushes per append against five for the rollback journal with synchronous=FULL it
     * replaced (README, Benchmarks).
     */
    private static SQLiteConfig writerConfig(boolean immediate) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        if (immediate) {
            // IMMEDIATE: the write lock is taken when the transaction begins, before the head is read.
            cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        return cfg;
    }

    private static Connection openReadOnly(Path abs) {
        try {
            return openReadOnly(abs, false);
        } catch (PreflightException e) {
            if (Files.isWritable(abs.getParent()) || !Files.isReadable(abs)) {
                throw e;
            }
            // A WAL database needs its -shm and -wal beside it, which a reader cannot create in a
            // directory it may not write. Every append checkpoints into the database file, so it
            // alone holds the ledger: read it as an immutable file (what a WAL still held after a
            // crash is then not seen, and the head file says so).
            return openReadOnly(abs, true);
        }
    }

    private static Connection openReadOnly(Path abs, boolean immutable) {
        String where = abs.toString();
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        if (immutable) {
            cfg.setOpenMode(SQLiteOpenMode.OPEN_URI);
        }
        Properties props = cfg.toProperties();
        try {
            Connection c = DriverManager.getConnection(immutable ? "jdbc:sqlite:" + abs.toUri() + "?immutable=1"
                    : "jdbc:sqlite:" + abs, props);
            try {
                Set<String> tables = tables(c, where);
                if (!tables.contains("ledger_entries")) {
                    c.close();
                    throw tables.isEmpty() ? PreflightException.state("no ledger at " + where, NO_LEDGER_HINT)
                            : cannotOpen(where, "not a Preflight ledger (an SQLite database without its tables)");
                }
                return c;
            } catch (SQLException e) {
                c.close();
                if (code(e) == SQLiteErrorCode.SQLITE_READONLY_ROLLBACK && Files.isWritable(abs)) {
                    // A writer died mid-transaction: its journal must be rolled back before anyone reads,
                    // which a read-only connection may not do. Let SQLite do it once, then read.
                    try (Connection rw = DriverManager.getConnection("jdbc:sqlite:" + abs, writerConfig(false).toProperties())) {
                        tables(rw, where);
                    }
                    return openReadOnly(abs, immutable);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw cannotOpen(where, cause(e, abs));
        }
    }

    private static Set<String> tables(Connection c, String where) throws SQLException {
        Set<String> t = new HashSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                t.add(rs.getString(1));
            }
        }
        return t;
    }

    /**
     * Refuses what is not a ledger file and decides about a missing or empty one; returns true when
     * there is none yet (and the access allows creating it).
     */
    private static boolean inspectFile(Path abs, HeadWitness witness, LedgerAccess access) {
        String where = abs.toString();
        if (Files.isDirectory(abs)) {
            throw cannotOpen(where, "it is a directory");
        }
        boolean present = Files.exists(abs);
        long size = 0;
        if (present) {
            if (!Files.isReadable(abs)) {
                throw cannotOpen(where, "permission denied");
            }
            byte[] head = new byte[SQLITE_MAGIC.length];
            int n;
            try (InputStream in = Files.newInputStream(abs)) {
                n = in.readNBytes(head, 0, head.length);
                size = Files.size(abs);
            } catch (AccessDeniedException e) {
                throw cannotOpen(where, "permission denied");
            } catch (IOException e) {
                throw cannotOpen(where, Errors.describe(e));
            }
            if (size > 0 && (n < head.length || !Arrays.equals(head, SQLITE_MAGIC))) {
                throw cannotOpen(where, "not an SQLite database (the file does not start with the SQLite header)");
            }
        }
        if (size > 0) {
            return false;
        }
        inspectEmpty(where, present, witness, access);
        return true;
    }

    private static final String NO_LEDGER_HINT = "commands that record evidence (audit, backup run, run, ...) create it; "
            + "check --ledger and the plan's ledger.url";

    /** A ledger with no entries store: broken if its head file says it had entries, else created only by CREATE. */
    private static void inspectEmpty(String where, boolean present, HeadWitness witness, LedgerAccess access) {
        HeadWitness.State w = witness.read();
        String state = present ? " is empty" : " is missing";
        if (w instanceof HeadWitness.Recorded r && r.head().seq() > 0) {
            throw new PreflightException(ExitCode.CHECKS_FAILED, "BROKEN: the ledger " + where + state
                    + " but the head file records seq " + r.head().seq() + " (" + witness.file() + ", hash "
                    + HeadWitness.shortHash(r.head().hash()) + "): it was deleted, emptied or replaced",
                    "restore it from a backup or an exported bundle; no new ledger is started in its place");
        }
        if (w instanceof HeadWitness.Unreadable u) {
            throw new PreflightException(ExitCode.CHECKS_FAILED, "BROKEN: the ledger " + where + state
                    + " and its head file " + witness.file() + " cannot be read: " + u.why(),
                    "restore the ledger from a backup or an exported bundle");
        }
        if (access != LedgerAccess.CREATE) {
            throw PreflightException.state("no ledger at " + where, NO_LEDGER_HINT);
        }
    }

    private static SQLiteErrorCode code(SQLException e) {
        return e instanceof SQLiteException s ? s.getResultCode() : null;
    }

    /** The cause of an SQLite failure in a few words, without the driver's decoration. */
    private static String cause(SQLException e, Path abs) {
        SQLiteErrorCode c = code(e);
        if (c != null) {
            switch (c) {
                case SQLITE_NOTADB:
                    return "not an SQLite database";
                case SQLITE_CORRUPT:
                case SQLITE_CORRUPT_INDEX:
                case SQLITE_CORRUPT_SEQUENCE:
                case SQLITE_CORRUPT_VTAB:
                    return "the database file is damaged (" + c.message + ")";
                case SQLITE_PERM:
                    return "permission denied";
                case SQLITE_BUSY:
                    return "locked by another process for longer than " + BUSY_TIMEOUT_MS / 1000 + " s";
                default:
                    if (c.name().startsWith("SQLITE_CANTOPEN") || c.name().startsWith("SQLITE_READONLY")) {
                        return (Files.isReadable(abs) ? "" : "permission denied: ") + c.message;
                    }
                    return c.message;
            }
        }
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    private static PreflightException cannotOpen(String where, String cause) {
        // One line, no hint: the path and the cause are the whole story.
        return new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot open the ledger at " + where + ": " + cause, null);
    }

    private static PreflightException cannotWrite(String where, IOException e) {
        return new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot write beside the ledger at " + where + ": "
                + ioCause(e), null, e);
    }

    static String ioCause(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied (" + a.getFile() + ")";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + " (" + f.getFile() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    // ---- PostgreSQL -----------------------------------------------------------------------------

    private static Ledger postgresql(String url, Path defaultDir, Secrets secrets, String actor, Clock clock, Options o) {
        String where = secrets.redact(redactUrl(url));
        HeadWitness witness = new HeadWitness(postgresqlHeadFile(url, defaultDir), where, o.key());
        Connection c;
        try {
            c = DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot open the ledger at " + where + ": "
                    + secrets.redact(firstLine(Errors.describe(e))),
                    "check that the database is reachable and the credentials are right", e);
        }
        try {
            boolean created = false;
            if (!pgTableExists(c)) {
                inspectEmpty(where, true, witness, o.access());
                try (LedgerLock ignored = LedgerLock.acquire(witness.lockFile())) {
                    created = !pgTableExists(c);
                    migrate(url, JdbcLedger.Dialect.POSTGRESQL, where);
                } catch (IOException e) {
                    throw cannotWrite(where, e);
                }
            } else if (o.access() != LedgerAccess.READ && !current(c)) {
                migrate(url, JdbcLedger.Dialect.POSTGRESQL, where); // Flyway takes its own advisory lock here
            }
            if (o.access() == LedgerAccess.READ) {
                c.setReadOnly(true);
            }
            JdbcLedger l = new JdbcLedger(c, JdbcLedger.Dialect.POSTGRESQL, secrets, actor, clock, where, witness,
                    o.access() == LedgerAccess.READ);
            if (created) {
                o.notices().accept("created a new ledger at " + where);
            }
            return l;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot open the ledger at " + where + ": "
                    + secrets.redact(firstLine(Errors.describe(e))), null, e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static boolean pgTableExists(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('ledger_entries') IS NOT NULL")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing; the first error is the one to report
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    // ---- schema ---------------------------------------------------------------------------------

    /**
     * True when the history table already records {@link JdbcLedger#SCHEMA_VERSION} as applied.
     * Starting Flyway costs more than most commands' own work (hundreds of classes loaded), so an
     * up-to-date ledger skips it; anything else (new file, older schema, unreadable history) goes
     * through Flyway, which also validates.
     */
    static boolean current(Connection c) {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM ledger_schema_history WHERE success")) {
            int max = 0;
            while (rs.next()) {
                String v = rs.getString(1);
                if (v != null && v.matches("\\d+")) {
                    max = Math.max(max, Integer.parseInt(v));
                }
            }
            return max == JdbcLedger.SCHEMA_VERSION;
        } catch (SQLException | NumberFormatException e) {
            return false;
        }
    }

    // Flyway logs its banner and progress at INFO through SLF4J -> JUL; reports must stay clean.
    private static final Logger FLYWAY_LOG = quiet("org.flywaydb");

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.WARNING);
        return l;
    }

    /**
     * Brings the schema to the current version with Flyway (history table {@code ledger_schema_history}).
     * PostgreSQL migrations take Flyway's advisory lock; SQLite ones take none, so callers hold the
     * ledger's lock file for SQLite. A failure is one line (Flyway's own message runs to many).
     */
    private static void migrate(String url, JdbcLedger.Dialect dialect, String where) {
        if (FLYWAY_LOG.getLevel() == null) {
            FLYWAY_LOG.setLevel(Level.WARNING);
        }
        try {
            Flyway.configure(JdbcLedger.class.getClassLoader())
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration/" + (dialect == JdbcLedger.Dialect.SQLITE ? "sqlite" : "postgresql"))
                    .table("ledger_schema_history")
                    .baselineOnMigrate(false)
                    .cleanDisabled(true)
                    .connectRetries(0)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            String msg = Errors.describe(e);
            String detail = msg.lines().filter(l -> l.startsWith("Message")).map(l -> l.replaceFirst("^Message\\s*:\\s*", ""))
                    .findFirst().orElse(firstLine(msg));
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot migrate the ledger schema at " + where
                    + ": " + detail, null, e);
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
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
