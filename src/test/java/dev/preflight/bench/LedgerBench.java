package dev.preflight.bench;

import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.EntryHasher;
import dev.preflight.ledger.HeadKey;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerAccess;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Benchmark (not a test): appends and verifies on SQLite and PostgreSQL; run by bench/ledger/run. */
public final class LedgerBench {
    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int big = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path dir = Files.createTempDirectory("ledger-bench");
        System.out.printf("%-14s %10s %14s %14s%n", "store", "entries", "append/s", "verify/s");
        row("sqlite", "sqlite:" + dir.resolve("bench.db"), n, dir);
        String db = "preflight_bench_" + System.nanoTime();
        String admin = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
        try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        try {
            row("postgresql", "jdbc:postgresql://127.0.0.1:5432/" + db + "?user=postgres", n, dir);
        } finally {
            try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE " + db + " WITH (FORCE)");
            }
        }
        // The same, with every head file signed (Ed25519 from the JDK).
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        row("sqlite signed", "sqlite:" + dir.resolve("signed.db"), n, dir,
                Optional.of(HeadKey.signing(kp.getPrivate(), "bench key")));
        // Verify of a large chain on SQLite, cold in a new instance. The chain is written in one
        // transaction with the ledger's own hashing rules (appending 100,000 entries one durable
        // commit at a time would measure the disk, not verify).
        Path bigDb = dir.resolve("big.db");
        try (Ledger l = Ledgers.open("sqlite:" + bigDb, dir, Secrets.none(), "bench@host", Clock.systemUTC())) {
            l.append(entry(0));
        }
        bulk(bigDb, big);
        // Twice in new instances: the first pays for JIT compilation of the read and hash paths.
        for (String run : new String[] {"first", "second"}) {
            try (Ledger l = Ledgers.open("sqlite:" + bigDb, dir, Secrets.none(), "bench@host", Clock.systemUTC(),
                    new Ledgers.Options(LedgerAccess.READ, Optional.empty(), null))) {
                long t0 = System.nanoTime();
                VerifyResult r = l.verify();
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("verify of %,d SQLite entries (%s run): %.2f s (%s)%n", r.entries(), run, s,
                        r.intact() ? "intact" : "BROKEN");
            }
        }
    }

    /** Fills the ledger up to {@code total} entries after the single one it holds, in one transaction, hashed as appends are. */
    private static void bulk(Path db, int total) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            String prev;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT hash FROM ledger_entries WHERE seq = 1")) {
                rs.next();
                prev = rs.getString(1);
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO ledger_entries (seq, id, time, actor, "
                    + "kind, subject, outcome, summary, payload, artifacts, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                Instant t = EntryHasher.normalize(Instant.now());
                for (int i = 1; i < total; i++) {
                    long seq = i + 1;
                    NewEntry e = entry(i);
                    String payload = Json.canonical(e.payload());
                    String id = UUID.randomUUID().toString();
                    String hash = EntryHasher.hash(seq, id, t, "bench@host", e.kind(), e.subject(), e.outcome(),
                            e.summary(), payload, List.of(), prev);
                    ins.setLong(1, seq);
                    ins.setString(2, id);
                    ins.setString(3, t.toString());
                    ins.setString(4, "bench@host");
                    ins.setString(5, e.kind());
                    ins.setString(6, e.subject());
                    ins.setString(7, e.outcome().label());
                    ins.setString(8, e.summary());
                    ins.setString(9, payload);
                    ins.setString(10, "[]");
                    ins.setString(11, prev);
                    ins.setString(12, hash);
                    ins.addBatch();
                    prev = hash;
                }
                ins.executeBatch();
            }
            c.commit();
        }
    }

    private static NewEntry entry(int i) {
        return NewEntry.of("bench", "subject-" + (i % 50), Outcome.PASSED, "entry " + i,
                Map.of("i", i, "host", "app-" + (i % 7), "version", "8.3." + (i % 20)));
    }

    private static void row(String name, String url, int n, Path dir) {
        row(name, url, n, dir, Optional.empty());
    }

    private static void row(String name, String url, int n, Path dir, Optional<HeadKey> key) {
        try (Ledger l = Ledgers.open(url, dir, Secrets.none(), "bench@host", Clock.systemUTC(),
                new Ledgers.Options(LedgerAccess.CREATE, key, null))) {
            for (int i = 0; i < 200; i++) {
                l.append(entry(i)); // warm-up (JIT, connections, schema)
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                l.append(entry(i));
            }
            double a = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            VerifyResult r = l.verify();
            double v = (System.nanoTime() - t1) / 1e9;
            if (!r.intact()) {
                throw new IllegalStateException("chain broken during benchmark: " + r);
            }
            System.out.printf("%-14s %10d %14.0f %14.0f%n", name, n, n / a, r.entries() / v);
        }
    }
}
