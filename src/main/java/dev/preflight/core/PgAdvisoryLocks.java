package dev.preflight.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Properties;

/**
 * Exclusive locks held in the PostgreSQL ledger database, for when several machines share that
 * ledger: a session advisory lock ({@code pg_try_advisory_lock}) on a dedicated connection that is
 * kept open while the lock is held. The server releases it when the session ends, also when the
 * holding process is killed (its connection closes), so a crash never leaves a stale lock.
 *
 * <p>The key is the first 8 bytes of SHA-256 of {@code preflight:KIND:PROJECT:SUBJECT}. The holder
 * is named by the connection's {@code application_name} ({@code preflight PID SINCE user@host
 * COMMAND}; at most 63 bytes, so the command is dropped first, then the host's domain), which any
 * session can read from {@code pg_stat_activity} joined with {@code pg_locks}: it needs no table and no write privilege in the ledger database, and it lives
 * and dies with the session, so it can never name a holder that is gone.
 */
public final class PgAdvisoryLocks implements LockProvider {
    /** PostgreSQL truncates application_name to NAMEDATALEN - 1 bytes. */
    static final int NAME_LIMIT = 63;
    private static final String PREFIX = "preflight ";

    private final String url;
    private final String project;

    /** @param url the ledger's {@code jdbc:postgresql:} URL (credentials included; never shown) */
    public PgAdvisoryLocks(String url, String project) {
        this.url = url;
        this.project = project == null ? "" : project;
    }

    /** The 64-bit advisory lock key of a lock name. */
    public long key(LockName name) {
        byte[] h = Hashing.sha256().digest(("preflight:" + name.kind() + ":" + project + ":" + name.subject())
                .getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(h, 0, 8).getLong();
    }

    @Override
    public String where(LockName name) {
        return "PostgreSQL advisory lock 'preflight:" + name.kind() + ":" + project + ":" + name.subject() + "' (key "
                + key(name) + ") in the ledger database " + database();
    }

    @Override
    public Attempt tryAcquire(LockName name, LockHolder holder) throws IOException {
        long key = key(name);
        Connection c;
        try {
            Properties p = new Properties();
            // A dead peer (a bastion that lost power) must not keep the lock for hours.
            p.setProperty("tcpKeepAlive", "true");
            c = DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw new IOException("cannot connect to the ledger database " + database() + ": " + Errors.describe(e), e);
        }
        try {
            try (PreparedStatement st = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                st.setString(1, applicationName(holder));
                st.execute();
            }
            boolean got;
            try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                st.setLong(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    got = rs.getBoolean(1);
                }
            }
            if (got) {
                return new Attempt(Optional.of(new Held(c, key)), holder.line());
            }
            String who = holderOf(c, key);
            c.close();
            return new Attempt(Optional.empty(), who);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // The original failure is what matters.
            }
            throw new IOException("cannot take the lock in the ledger database " + database() + ": " + Errors.describe(e), e);
        }
    }

    /** Who holds the advisory lock {@code key} in this database, from the holding session's application_name. */
    static String holderOf(Connection c, long key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT a.application_name, a.pid, a.client_addr::text, "
                + "a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                + "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "AND ((l.classid::text::bigint << 32) | l.objid::text::bigint) = ?")) {
            st.setLong(1, key);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    // Released between our attempt and this look.
                    return "";
                }
                String app = rs.getString(1);
                String addr = rs.getString(3);
                String session = "PostgreSQL session " + rs.getInt(2) + (addr == null ? "" : " from " + addr);
                LockHolder h = parse(app);
                return h == null ? session + (app == null || app.isEmpty() ? "" : " (" + app + ")")
                        : h.line() + ", " + session;
            }
        }
    }

    /** {@code preflight PID EPOCH-SECONDS user@host COMMAND...}, cut to 63 bytes (dropping the command, then the domain). */
    static String applicationName(LockHolder h) {
        String head = PREFIX + h.pid() + " " + h.since().getEpochSecond() + " ";
        String full = head + h.who() + (h.command() == null ? "" : " " + h.command());
        // Non-ASCII is replaced by '?' by the server; keep the byte count honest by doing it here.
        full = full.replaceAll("[^\\x20-\\x7e]", "?");
        if (full.length() <= NAME_LIMIT) {
            return full;
        }
        String who = h.who().replaceAll("[^\\x20-\\x7e]", "?");
        if (head.length() + who.length() <= NAME_LIMIT) {
            return head + who;
        }
        // user@host.example.com -> user@host, then cut.
        int dot = who.indexOf('.', Math.max(0, who.indexOf('@')));
        if (dot > 0) {
            who = who.substring(0, dot);
        }
        return (head + who).substring(0, Math.min(NAME_LIMIT, head.length() + who.length()));
    }

    /** The holder written by {@link #applicationName}, or null when the name is not one of ours. */
    static LockHolder parse(String app) {
        if (app == null || !app.startsWith(PREFIX)) {
            return null;
        }
        String[] f = app.substring(PREFIX.length()).split(" ", 4);
        if (f.length < 3) {
            return null;
        }
        try {
            long pid = Long.parseLong(f[0]);
            Instant since = Instant.ofEpochSecond(Long.parseLong(f[1])).truncatedTo(ChronoUnit.SECONDS);
            return new LockHolder(f[2], pid, since, f.length == 4 ? f[3] : null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** host:port/database of the URL, never its credentials. */
    String database() {
        String rest = url.substring("jdbc:postgresql:".length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
            int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
            if (at >= 0) {
                rest = rest.substring(at + 1);
            }
        }
        return rest;
    }

    /** A held advisory lock: its session. */
    private static final class Held implements ExclusiveLock {
        private final Connection c;
        private final long key;

        Held(Connection c, long key) {
            this.c = c;
            this.key = key;
        }

        @Override
        public synchronized void close() {
            try {
                if (!c.isClosed()) {
                    try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                        st.setLong(1, key);
                        st.execute();
                    }
                }
            } catch (SQLException ignored) {
                // Closing the session below releases it in any case.
            } finally {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // The server ends the session when the socket goes.
                }
            }
        }
    }
}
