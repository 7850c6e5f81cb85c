package dev.preflight.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.preflight.core.ExitCode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The ledger over JDBC, for SQLite (embedded default) and PostgreSQL (shared). Appends take the
 * store's write lock before reading the head, so concurrent processes serialise and the chain never
 * forks: SQLite {@code BEGIN IMMEDIATE} with a busy timeout, PostgreSQL
 * {@code pg_advisory_xact_lock}. The primary key on {@code seq} is a second guard. Thread-safe:
 * every public method holds this instance's monitor.
 */
public final class JdbcLedger implements Ledger {
    /** Which SQL dialect the connection speaks. */
    public enum Dialect { SQLITE, POSTGRESQL }

    private static final long PG_LOCK_KEY = 0x5052454c4947L; // arbitrary constant: "PRELIG"
    private static final TypeReference<List<Artifact>> ARTIFACTS = new TypeReference<>() {
    };

    private final Connection conn;
    private final Dialect dialect;
    private final Secrets secrets;
    private final String actor;
    private final Clock clock;
    private final String description;

    JdbcLedger(Connection conn, Dialect dialect, Secrets secrets, String actor, Clock clock, String description) {
        this.conn = conn;
        this.dialect = dialect;
        this.secrets = secrets;
        this.actor = actor;
        this.clock = clock;
        this.description = secrets.redact(description);
    }

    /**
     * Brings the schema to the current version with Flyway (history table {@code ledger_schema_history}).
     * PostgreSQL migrations take Flyway's advisory lock; SQLite ones take none, so
     * {@link Ledgers} holds a file lock around this for SQLite.
     */
    static void migrate(String jdbcUrl, Dialect dialect) {
        if (current(jdbcUrl)) {
            return;
        }
        org.flywaydb.core.Flyway.configure(JdbcLedger.class.getClassLoader())
                .dataSource(jdbcUrl, null, null)
                .locations("classpath:db/migration/" + (dialect == Dialect.SQLITE ? "sqlite" : "postgresql"))
                .table("ledger_schema_history")
                .baselineOnMigrate(false)
                .cleanDisabled(true)
                .load()
                .migrate();
    }

    /** The newest schema version this build ships (the highest {@code V<n>} under {@code db/migration}); a test keeps them equal. */
    static final int SCHEMA_VERSION = 1;

    /**
     * True when the history table already records {@link #SCHEMA_VERSION} as applied. Starting
     * Flyway costs more than most commands' own work (hundreds of classes loaded), so an
     * up-to-date ledger skips it; anything else (new file, older schema, unreadable history) goes
     * through Flyway, which also validates.
     */
    static boolean current(String jdbcUrl) {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT version FROM ledger_schema_history WHERE success")) {
            int max = 0;
            while (rs.next()) {
                String v = rs.getString(1);
                if (v != null && v.matches("\\d+")) {
                    max = Math.max(max, Integer.parseInt(v));
                }
            }
            return max == SCHEMA_VERSION;
        } catch (SQLException | NumberFormatException e) {
            return false;
        }
    }

    @Override
    public synchronized LedgerEntry append(NewEntry entry) {
        String payload = secrets.redact(Json.canonical(entry.payload() == null ? Map.of() : entry.payload()));
        String subject = secrets.redact(entry.subject());
        String summary = secrets.redact(entry.summary());
        List<Artifact> artifacts = new ArrayList<>(entry.artifacts());
        for (NewEntry.Attachment a : entry.attachments()) {
            byte[] c = a.content();
            artifacts.add(new Artifact("ledger:" + a.name(), c.length, Hashing.sha256Hex(c)));
        }
        try {
            conn.setAutoCommit(false);
            try {
                if (dialect == Dialect.POSTGRESQL) {
                    try (PreparedStatement lock = conn.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                        lock.setLong(1, PG_LOCK_KEY);
                        lock.execute();
                    }
                }
                long seq = 1;
                String prev = EntryHasher.GENESIS;
                try (Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1")) {
                    if (rs.next()) {
                        seq = rs.getLong(1) + 1;
                        prev = rs.getString(2);
                    }
                }
                Instant time = EntryHasher.normalize(clock.instant());
                String id = UUID.randomUUID().toString();
                String hash = EntryHasher.hash(seq, id, time, actor, entry.kind(), subject, entry.outcome(), summary,
                        payload, artifacts, prev);
                try (PreparedStatement ins = conn.prepareStatement("INSERT INTO ledger_entries (seq, id, time, actor, "
                        + "kind, subject, outcome, summary, payload, artifacts, prev_hash, hash) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    ins.setLong(1, seq);
                    ins.setString(2, id);
                    ins.setString(3, time.toString());
                    ins.setString(4, actor);
                    ins.setString(5, entry.kind());
                    ins.setString(6, subject);
                    ins.setString(7, entry.outcome().label());
                    ins.setString(8, summary);
                    ins.setString(9, payload);
                    ins.setString(10, Json.canonical(artifacts));
                    ins.setString(11, prev);
                    ins.setString(12, hash);
                    ins.executeUpdate();
                }
                for (NewEntry.Attachment a : entry.attachments()) {
                    byte[] c = a.content();
                    try (PreparedStatement ins = conn.prepareStatement(
                            "INSERT INTO ledger_attachments (name, media_type, sha256, size, content) VALUES (?,?,?,?,?)")) {
                        ins.setString(1, a.name());
                        ins.setString(2, a.mediaType());
                        ins.setString(3, Hashing.sha256Hex(c));
                        ins.setLong(4, c.length);
                        ins.setBytes(5, c);
                        ins.executeUpdate();
                    }
                }
                conn.commit();
                return new LedgerEntry(seq, id, time, actor, entry.kind(), subject, entry.outcome(), summary, payload,
                        artifacts, prev, hash);
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot append to the ledger at " + description
                    + ": " + secrets.redact(dev.preflight.core.Errors.describe(e)), "is another process holding the ledger lock?", e);
        }
    }

    @Override
    public synchronized List<LedgerEntry> query(LedgerQuery q) {
        StringBuilder sql = new StringBuilder("SELECT seq, id, time, actor, kind, subject, outcome, summary, payload, "
                + "artifacts, prev_hash, hash FROM ledger_entries WHERE 1=1");
        List<String> args = new ArrayList<>();
        if (q.kind() != null) {
            sql.append(" AND kind = ?");
            args.add(q.kind());
        }
        if (q.subject() != null) {
            sql.append(" AND subject = ?");
            args.add(q.subject());
        }
        if (q.since() != null) {
            // ISO-8601 UTC millisecond strings sort like the instants they encode.
            sql.append(" AND time >= ?");
            args.add(EntryHasher.normalize(q.since()).toString());
        }
        sql.append(" ORDER BY seq ").append(q.newestFirst() ? "DESC" : "ASC");
        if (q.limit() > 0) {
            sql.append(" LIMIT ").append(q.limit());
        }
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            List<LedgerEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    private static LedgerEntry read(ResultSet rs) throws SQLException {
        List<Artifact> artifacts;
        try {
            artifacts = Json.mapper().readValue(rs.getString(10), ARTIFACTS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A mangled artifact list is tampering too: keep the row so verify reports it by seq.
            artifacts = List.of(new Artifact("unreadable:" + rs.getString(10), 0, ""));
        }
        return new LedgerEntry(rs.getLong(1), rs.getString(2), Instant.parse(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), Outcome.parse(rs.getString(7)), rs.getString(8), rs.getString(9),
                artifacts, rs.getString(11), rs.getString(12));
    }

    @Override
    public synchronized Optional<LedgerEntry> head() {
        List<LedgerEntry> l = query(new LedgerQuery(null, null, null, 1, true));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public synchronized VerifyResult verify() {
        EntryHasher.ChainCheck check = new EntryHasher.ChainCheck();
        Map<String, long[]> attachmentSeq = new HashMap<>();
        Map<String, String> attachmentSha = new HashMap<>();
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery("SELECT seq, id, time, actor, kind, subject, outcome, summary, payload, "
                    + "artifacts, prev_hash, hash FROM ledger_entries ORDER BY seq ASC")) {
                while (rs.next()) {
                    LedgerEntry e;
                    try {
                        e = read(rs);
                    } catch (RuntimeException bad) {
                        return new VerifyResult.Broken(check.result().entries() + 1, rs.getLong(1),
                                "entry cannot be read: " + dev.preflight.core.Errors.describe(bad));
                    }
                    if (!check.accept(e)) {
                        break;
                    }
                    for (Artifact a : e.artifacts()) {
                        if (a.location().startsWith("ledger:")) {
                            String name = a.location().substring("ledger:".length());
                            attachmentSeq.put(name, new long[] {e.seq()});
                            attachmentSha.put(name, a.sha256());
                        }
                    }
                }
            }
            VerifyResult chain = check.result();
            if (!chain.intact()) {
                return chain;
            }
            try (ResultSet rs = st.executeQuery("SELECT name, content FROM ledger_attachments")) {
                Map<String, String> actual = new HashMap<>();
                while (rs.next()) {
                    actual.put(rs.getString(1), Hashing.sha256Hex(rs.getBytes(2)));
                }
                long firstBad = Long.MAX_VALUE;
                String why = null;
                for (Map.Entry<String, String> want : attachmentSha.entrySet()) {
                    String got = actual.get(want.getKey());
                    long seq = attachmentSeq.get(want.getKey())[0];
                    if (!want.getValue().equals(got) && seq < firstBad) {
                        firstBad = seq;
                        why = got == null ? "stored artifact '" + want.getKey() + "' is missing"
                                : "stored artifact '" + want.getKey() + "' does not match its SHA-256";
                    }
                }
                if (why != null) {
                    return new VerifyResult.Broken(chain.entries(), firstBad, why);
                }
            }
            return chain;
        } catch (SQLException e) {
            throw failure("verify", e);
        }
    }

    @Override
    public synchronized Optional<InputStream> openAttachment(String name) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT content FROM ledger_attachments WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ByteArrayInputStream(rs.getBytes(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read an attachment of", e);
        }
    }

    /** Names of every stored attachment (for bundles). */
    public synchronized List<String> attachmentNames() {
        List<String> names = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT name FROM ledger_attachments ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        } catch (SQLException e) {
            throw failure("list the attachments of", e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    private PreflightException failure(String what, SQLException e) {
        return new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot " + what + " the ledger at " + description
                + ": " + secrets.redact(e.getMessage()), null, e);
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing a connection we no longer use; nothing to recover
        }
    }
}
