package dev.preflight.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/** A throw-away database on the local PostgreSQL (127.0.0.1:5432, postgres, trust) for one test; dropped on close. */
public final class PgDatabase implements AutoCloseable {
    private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    public final String name = "pf_lk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public PgDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }

    /** The JDBC URL of the database, as a plan's {@code ledger.url}. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
