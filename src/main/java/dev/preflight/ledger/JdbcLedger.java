package dev.preflight.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import java.util.Properties;
import java.util.UUID;
import org.sqlite.SQLiteConfig;

/**
 * The ledger over JDBC, for SQLite (embedded default) and PostgreSQL (shared). Appends take the
 * ledger's lock file on this machine and then the store's write lock before reading the head, so
 * concurrent processes serialise and the chain never forks: SQLite {@code BEGIN IMMEDIATE} with a
 * busy timeout, PostgreSQL {@code pg_advisory_xact_lock}. The primary key on {@code seq} is a
 * second guard. After each commit the {@link HeadWitness} outside the store is replaced, unless it
 * disagrees with the store (then it is kept as the evidence it is). Thread-safe: every public
 * method holds this instance's monitor. Over 400 lines on purpose: the append transaction, the
 * reads and the verification share one connection, one lock order and one monitor, which is what
 * keeps the chain from forking; split, that invariant would span classes.
 */
public final class JdbcLedger implements Ledger {
    /** Which SQL dialect the connection speaks. */
    public enum Dialect { SQLITE, POSTGRESQL }

    /** The newest schema version this build ships (the highest {@code V<n>} under {@code db/migration}); a test keeps them equal. */
    static final int SCHEMA_VERSION = 2;

    private static final long PG_LOCK_KEY = 0x5052454c4947L; // arbitrary constant: "PRELIG"
    private static final TypeReference<List<Artifact>> ARTIFACTS = new TypeReference<>() {
    };

    private final Connection conn;
    private final Dialect dialect;
    private final Secrets secrets;
    private final String actor;
    private final Clock clock;
    private final String description;
    private final HeadWitness witness;
    private final boolean readOnly;
    /** The head this instance last wrote, so its own signature is not checked again on the next append. */
    private HeadWitness.Recorded lastWritten;

    JdbcLedger(Connection conn, Dialect dialect, Secrets secrets, String actor, Clock clock, String description,
               HeadWitness witness, boolean readOnly) {
        this.conn = conn;
        this.dialect = dialect;
        this.secrets = secrets;
        this.actor = actor;
        this.clock = clock;
        this.description = secrets.redact(description);
        this.witness = witness;
        this.readOnly = readOnly;
    }

    /**
     * True when the schema at {@code jdbcUrl} is at {@link #SCHEMA_VERSION}; opens SQLite read-only,
     * so asking never creates a file.
     */
    static boolean current(String jdbcUrl) {
        Properties p = new Properties();
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            SQLiteConfig cfg = new SQLiteConfig();
            cfg.setReadOnly(true);
            p = cfg.toProperties();
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, p)) {
            return Ledgers.current(c);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The witness outside the store (the head file). */
    public HeadWitness witness() {
        return witness;
    }

    @Override
    public synchronized LedgerEntry append(NewEntry entry) {
        if (readOnly) {
            throw new IllegalStateException("the ledger at " + description + " was opened read-only");
        }
        String payload = secrets.redact(Json.canonical(entry.payload() == null ? Map.of() : entry.payload()));
        String subject = secrets.redact(entry.subject());
        String summary = secrets.redact(entry.summary());
        List<Artifact> artifacts = new ArrayList<>(entry.artifacts());
        for (NewEntry.Attachment a : entry.attachments()) {
            byte[] c = a.content();
            artifacts.add(new Artifact("ledger:" + a.name(), c.length, Hashing.sha256Hex(c)));
        }
        LedgerEntry stored;
        boolean witnessAgrees;
        HeadWitness.State before;
        try (LedgerLock ignored = LedgerLock.acquire(witness.lockFile())) {
            before = witness.read();
            // Readied before the commit: a head file we cannot write fails the append before anything is stored.
            try (HeadWitness.Update update = witness.prepare()) {
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
                    witnessAgrees = agrees(before, new LedgerHead(seq - 1, prev));
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
                    stored = new LedgerEntry(seq, id, time, actor, entry.kind(), subject, entry.outcome(), summary,
                            payload, artifacts, prev, hash);
                } catch (SQLException | RuntimeException e) {
                    conn.rollback();
                    throw e;
                } finally {
                    conn.setAutoCommit(true);
                }
                if (dialect == Dialect.SQLITE) {
                    checkpoint();
                }
                if (witnessAgrees && witness.mayReplace(before)) {
                    try {
                        lastWritten = witness.commit(update, LedgerHead.of(stored), stored.time());
                    } catch (IOException e) {
                        throw new PreflightException(ExitCode.UNEXPECTED_STATE, "entry #" + stored.seq()
                                + " was recorded in the ledger at " + description + ", but its head file "
                                + witness.file() + " could not be replaced: " + Ledgers.ioCause(e),
                                "run 'preflight ledger verify' (it brings a lagging head file up to date)", e);
                    }
                }
                // A witness that disagrees with the store is kept as it is: it is the evidence of what was lost.
                return stored;
            }
        } catch (SQLException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot append to the ledger at " + description
                    + ": " + secrets.redact(Errors.describe(e).lines().findFirst().orElse("")),
                    "is another process holding the ledger lock?", e);
        } catch (IOException e) {
            throw new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot append to the ledger at " + description
                    + ": cannot write its head file beside it: " + Ledgers.ioCause(e), null, e);
        }
    }

    /**
     * Copies the entry just committed from the WAL into the database file and syncs it, so that the
     * database file alone holds every committed entry: losing the {@code -wal} file (deleted by a
     * user, or after a crash) then loses nothing. FULL waits (up to the busy timeout) for readers of
     * an older snapshot, which are short, so the copy is complete.
     */
    private void checkpoint() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(FULL)");
        }
    }

    /** Whether the head file agrees with the store's tip as read inside the append's transaction. */
    private boolean agrees(HeadWitness.State before, LedgerHead tip) throws SQLException {
        if (before instanceof HeadWitness.Absent) {
            return true;
        }
        if (!(before instanceof HeadWitness.Recorded r) || r.head().seq() > tip.seq()) {
            return false;
        }
        String stored = r.head().seq() == tip.seq() ? tip.hash() : hashAt(r.head().seq());
        if (!r.head().hash().equals(stored)) {
            return false;
        }
        return r.equals(lastWritten) || witness.signatureProblem(r).isEmpty();
    }

    private String hashAt(long seq) throws SQLException {
        if (seq == 0) {
            return EntryHasher.GENESIS;
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT hash FROM ledger_entries WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
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
            // ISO-8601 UTC strings sort like the instants they encode to the second; within one second a
            // whole second ("10:00:00Z") sorts after its fractions ("10:00:00.001Z"), so the bound is
            // exact only to the second (callers that need the millisecond filter the rows again).
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
                    try {
                        out.add(read(rs));
                    } catch (Unreadable e) {
                        throw new PreflightException(ExitCode.UNEXPECTED_STATE, "entry #" + rs.getLong(1)
                                + " of the ledger at " + description + " cannot be read: " + e.getMessage()
                                + " (it was edited outside Preflight)", "run 'preflight ledger verify'", e);
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    /** A stored row that is not an entry (a time or outcome edited into something else). */
    private static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static LedgerEntry read(ResultSet rs) throws SQLException {
        List<Artifact> artifacts;
        try {
            artifacts = Json.mapper().readValue(rs.getString(10), ARTIFACTS);
        } catch (JsonProcessingException e) {
            // A mangled artifact list is tampering too: keep the row so verify reports it by seq.
            artifacts = List.of(new Artifact("unreadable:" + rs.getString(10), 0, ""));
        }
        Instant time;
        try {
            time = Instant.parse(rs.getString(3));
        } catch (RuntimeException e) {
            throw new Unreadable("its time '" + rs.getString(3) + "' is not an ISO-8601 instant", e);
        }
        Outcome outcome;
        try {
            outcome = Outcome.parse(rs.getString(7));
        } catch (RuntimeException e) {
            throw new Unreadable("its outcome '" + rs.getString(7) + "' is not passed, failed, warning or error", e);
        }
        return new LedgerEntry(rs.getLong(1), rs.getString(2), time, rs.getString(4), rs.getString(5), rs.getString(6),
                outcome, rs.getString(8), rs.getString(9), artifacts, rs.getString(11), rs.getString(12));
    }

    @Override
    public synchronized Optional<LedgerEntry> head() {
        List<LedgerEntry> l = query(new LedgerQuery(null, null, null, 1, true));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public VerifyResult verify() {
        return check(null).result();
    }

    @Override
    public synchronized Verification check(LedgerHead expected) {
        List<String> notes = new ArrayList<>();
        // The head file first, the chain after: an append in between only makes the chain longer
        // than the head read, never shorter.
        HeadWitness.State w = witness.read();
        EntryHasher.ChainCheck check = new EntryHasher.ChainCheck();
        if (w instanceof HeadWitness.Recorded r) {
            check.watch(r.head().seq());
        }
        if (expected != null) {
            check.watch(expected.seq());
        }
        VerifyResult chain = chain(check);
        if (!(chain instanceof VerifyResult.Intact intact)) {
            return new Verification(chain, notes);
        }
        long n = intact.entries();
        if (w instanceof HeadWitness.Absent) {
            notes.add("no head file yet (" + witness.file() + "): nothing outside the store vouches for the newest entries");
        } else if (w instanceof HeadWitness.Unreadable u) {
            return new Verification(new VerifyResult.Broken(n, n + 1, "the head file " + witness.file()
                    + " cannot be read: " + u.why()), notes);
        } else if (w instanceof HeadWitness.Recorded r) {
            Optional<VerifyResult.Broken> b = HeadWitness.compare(r.head(), "head file", n, check::hashAt);
            if (b.isPresent()) {
                return new Verification(b.get(), notes);
            }
            Optional<String> sig = witness.signatureProblem(r);
            if (sig.isPresent()) {
                return new Verification(new VerifyResult.Broken(n, r.head().seq(), sig.get()), notes);
            }
            notes.add("head file " + witness.file() + " records seq " + r.head().seq() + ": agrees"
                    + (r.head().seq() < n ? " (it lags by " + (n - r.head().seq()) + ")" : "")
                    + (witness.key().isPresent() ? ", signature verified" : r.signature() != null
                    ? " (signed; no key configured to check the signature)" : ""));
        }
        if (expected != null) {
            Optional<VerifyResult.Broken> b = HeadWitness.compare(expected, "--expect-head", n, check::hashAt);
            if (b.isPresent()) {
                return new Verification(b.get(), notes);
            }
            notes.add("--expect-head " + expected.seq() + ":" + HeadWitness.shortHash(expected.hash()) + ": agrees");
        }
        catchUp(w, intact);
        return new Verification(intact, notes);
    }

    /**
     * Brings a missing or lagging head file up to a head that just verified (best effort: a
     * read-only directory simply keeps the old one). Only when nobody replaced it meanwhile.
     */
    private void catchUp(HeadWitness.State seen, VerifyResult.Intact intact) {
        boolean behind = seen instanceof HeadWitness.Absent
                || seen instanceof HeadWitness.Recorded r && r.head().seq() < intact.entries();
        if (!behind || intact.entries() == 0 || !witness.mayReplace(seen)) {
            return;
        }
        try (LedgerLock ignored = LedgerLock.acquire(witness.lockFile())) {
            if (!witness.read().equals(seen)) {
                return;
            }
            Optional<LedgerEntry> head = headUnlocked();
            if (head.isEmpty() || head.get().seq() != intact.entries()) {
                return;
            }
            try (HeadWitness.Update update = witness.prepare()) {
                witness.commit(update, LedgerHead.of(head.get()), head.get().time());
            }
        } catch (IOException | RuntimeException e) {
            // Not writable here (a read-only directory, a reviewer's copy): the old head stays, still a lower bound.
        }
    }

    private Optional<LedgerEntry> headUnlocked() {
        List<LedgerEntry> l = query(new LedgerQuery(null, null, null, 1, true));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private VerifyResult chain(EntryHasher.ChainCheck check) {
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
                    } catch (Unreadable bad) {
                        return new VerifyResult.Broken(check.result().entries() + 1, rs.getLong(1),
                                "entry cannot be read: " + bad.getMessage());
                    } catch (RuntimeException bad) {
                        return new VerifyResult.Broken(check.result().entries() + 1, rs.getLong(1),
                                "entry cannot be read: " + Errors.describe(bad));
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

    @Override
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
    public Optional<HeadKey> headKey() {
        return witness.key();
    }

    @Override
    public String describe() {
        return description;
    }

    private PreflightException failure(String what, SQLException e) {
        return new PreflightException(ExitCode.UNEXPECTED_STATE, "cannot " + what + " the ledger at " + description
                + ": " + secrets.redact(Errors.describe(e).lines().findFirst().orElse("")), null, e);
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
