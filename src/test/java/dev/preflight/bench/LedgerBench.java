package dev.preflight.bench;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;

/** Benchmark (not a test): appends and verifies on SQLite and PostgreSQL; run by bench/ledger/run. */
public final class LedgerBench {
    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int big = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path dir = Files.createTempDirectory("ledger-bench");
        System.out.printf("%-12s %10s %14s %14s%n", "store", "entries", "append/s", "verify/s");
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
        // Verify of a large chain on SQLite (appended in one go, then verified cold in a new instance).
        String url = "sqlite:" + dir.resolve("big.db");
        try (Ledger l = Ledgers.open(url, dir, Secrets.none(), "bench@host", Clock.systemUTC())) {
            for (int i = 0; i < big; i++) {
                l.append(entry(i));
            }
        }
        try (Ledger l = Ledgers.open(url, dir, Secrets.none(), "bench@host", Clock.systemUTC())) {
            long t0 = System.nanoTime();
            VerifyResult r = l.verify();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("verify of %,d SQLite entries: %.2f s (%s)%n", r.entries(), s, r.intact() ? "intact" : "BROKEN");
        }
    }

    private static NewEntry entry(int i) {
        return NewEntry.of("bench", "subject-" + (i % 50), Outcome.PASSED, "entry " + i,
                Map.of("i", i, "host", "app-" + (i % 7), "version", "8.3." + (i % 20)));
    }

    private static void row(String name, String url, int n, Path dir) {
        try (Ledger l = Ledgers.open(url, dir, Secrets.none(), "bench@host", Clock.systemUTC())) {
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
            System.out.printf("%-12s %10d %14.0f %14.0f%n", name, n, n / a, r.entries() / v);
        }
    }
}
