package dev.preflight.cutover;

import dev.preflight.plan.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Laravel's {@code migrations} table (id, migration, batch) read over JDBC, the migration files
 * not yet in it, and which names mark contract migrations. Laravel names a migration after its
 * file without {@code .php}.
 */
public final class Migrations {
    private Migrations() {
    }

    /** One row of the migrations table. */
    public record Row(long id, String migration, int batch) {
    }

    /** How the replica reads in messages: {@code mysql://host:port/database}. */
    public static String describe(Plan.Endpoint db) {
        return "mysql://" + db.host() + ":" + db.port() + "/" + db.database();
    }

    /** Opens a connection to the replica (MariaDB driver; it also speaks to MySQL). */
    public static Connection connect(Plan.Endpoint db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        if (db.password() != null) {
            p.setProperty("password", db.password().value());
        }
        p.setProperty("connectTimeout", "10000");
        return DriverManager.getConnection("jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + db.database(), p);
    }

    /** Every row of the table, by id. */
    public static List<Row> snapshot(Connection c, String table) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, migration, batch FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                out.add(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3)));
            }
        }
        return out;
    }

    /** Rows of {@code after} whose migration is not in {@code before}. */
    public static List<Row> added(List<Row> before, List<Row> after) {
        Set<String> known = new HashSet<>();
        before.forEach(r -> known.add(r.migration()));
        return after.stream().filter(r -> !known.contains(r.migration())).toList();
    }

    /** Migration files ({@code *.php}) in {@code dir} whose names are not among {@code applied}, sorted. */
    public static List<String> pending(Path dir, List<Row> applied) throws IOException {
        Set<String> done = new HashSet<>();
        applied.forEach(r -> done.add(r.migration()));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".php"))
                    .map(n -> n.substring(0, n.length() - 4)).filter(n -> !done.contains(n)).sorted().toList();
        }
    }

    /** The names that match the contract pattern. */
    public static List<String> contractLike(List<String> names, String pattern) {
        Pattern p = Pattern.compile(pattern);
        return names.stream().filter(n -> p.matcher(n).find()).toList();
    }
}
