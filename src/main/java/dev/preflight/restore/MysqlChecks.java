package dev.preflight.restore;

import dev.preflight.core.Errors;
import dev.preflight.core.Futures;
import dev.preflight.core.Secrets;
import dev.preflight.exec.MysqlSyntax;
import dev.preflight.exec.ProcessResult;
import dev.preflight.restore.RestorePlan.SqlCheck;
import dev.preflight.restore.RestoreResult.MysqlRestored;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The smoke checks of a restored MySQL/MariaDB database: the objects the dump creates, row counts
 * against the dump and the backup's estimates, and the plan's SQL assertions.
 */
public final class MysqlChecks {
    private final RestoreContext ctx;
    private final RestorePlan plan;
    private final Secrets secrets;

    public MysqlChecks(RestoreContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan();
        this.secrets = ctx.secrets();
    }

    /**
     * The database checks against a restored database: every object the dump creates exists, row
     * counts match the dump exactly and the counts recorded at backup time within the plan's
     * tolerance, and the plan's SQL assertions hold. Usable again on a kept database.
     */
    public List<Check> run(MysqlRestored m) throws InterruptedException {
        try (SqlClient client = ctx.stagingSql(true)) {
            return run(m, client);
        } catch (IOException e) {
            return List.of(Check.fail("structure", m.database(), "cannot query the restored database: "
                    + secrets.redact(Errors.describe(e))));
        }
    }

    /**
     * The checks over a client the caller holds. The object listing and the row counts are
     * independent reads, so they run at once on their own client processes: counting scans every
     * table (at 300 MB it was most of the time the checks took), so the counts are split over up to
     * {@value #COUNT_CONNECTIONS} connections, by table and, for a large table, by ranges of its key. The listing also names the
     * server's databases (what a SQL check must not name), and the plan's SQL checks, which do not
     * depend on the counts, then run in order on their own thread while the counts scan; their
     * results are reported after the rows', in order, as before.
     */
    List<Check> run(MysqlRestored m, SqlClient client) throws InterruptedException {
        List<Check> out = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "preflight-restore-check");
            t.setDaemon(true);
            return t;
        });
        try {
            String s = MysqlSyntax.literal(m.database());
            Future<ProcessResult> listing = pool.submit(() -> client.query(null, "SELECT 'table', TABLE_NAME FROM "
                    + "information_schema.TABLES WHERE TABLE_SCHEMA = " + s + " AND TABLE_TYPE <> 'VIEW' UNION ALL "
                    + "SELECT 'view', TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + s
                    + " AND TABLE_TYPE = 'VIEW' UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM "
                    + "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + s + " UNION ALL SELECT 'trigger', "
                    + "TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + s + " UNION ALL "
                    + "SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + s
                    + (plan.sqlChecks().isEmpty() ? "" : " UNION ALL SELECT 'database', SCHEMA_NAME FROM "
                    + "information_schema.SCHEMATA")));
            // Counted on the assumption that every table of the dump is there; if one is missing the
            // listing says so and the count is redone over the present ones (see rows).
            List<String> tables = m.found().rows().keySet().stream().sorted().toList();
            List<Future<ProcessResult>> counts = new ArrayList<>();
            for (String lane : lanes(m.database(), tables, splits(client, m), COUNT_CONNECTIONS)) {
                counts.add(pool.submit(() -> client.query(null, lane)));
            }
            ProcessResult r = await(listing);
            if (!r.ok()) {
                out.add(Check.fail("structure", m.database(), "cannot list the restored objects: "
                        + secrets.redact(MysqlClient.why(r))));
                return out;
            }
            Map<String, Set<String>> present = new HashMap<>();
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    present.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
                }
            }
            Set<String> others = otherDatabases(present.getOrDefault("database", Set.of()), m.database());
            Future<List<Check>> sql = pool.submit(() -> sqlChecks(client, m, others));
            DumpScanner.Found d = m.found();
            structure(out, "tables", d.tables(), present.get("table"));
            structure(out, "views", d.views(), present.get("view"));
            structure(out, "procedures", d.procedures(), present.get("procedure"));
            structure(out, "functions", d.functions(), present.get("function"));
            structure(out, "triggers", d.triggers(), present.get("trigger"));
            structure(out, "events", d.events(), present.get("event"));
            rows(out, client, m, present.getOrDefault("table", Set.of()), counts);
            out.addAll(await(sql));
        } catch (IOException e) {
            out.add(Check.fail("structure", m.database(), "cannot query the restored database: "
                    + secrets.redact(Errors.describe(e))));
        } finally {
            // A count still running after a failed listing is stopped (its client process killed).
            pool.shutdownNow();
        }
        return out;
    }

    /** The plan's SQL checks against the restored database, in order. */
    private List<Check> sqlChecks(SqlClient client, MysqlRestored m, Set<String> others)
            throws IOException, InterruptedException {
        List<Check> out = new ArrayList<>();
        for (SqlCheck c : plan.sqlChecks()) {
            String named = namedDatabase(c.sql(), others);
            if (named != null) {
                // It would read that database, not the restored copy: its answer says nothing about the restore.
                out.add(Check.fail("sql", c.name(), "the query names the database " + named + "; a smoke check "
                        + "runs in the restored database (" + m.database() + "): name its tables unqualified"));
                continue;
            }
            ProcessResult q = client.query(m.database(), c.sql());
            if (!q.ok()) {
                out.add(Check.fail("sql", c.name(), "query failed: " + secrets.redact(MysqlClient.why(q))));
                continue;
            }
            String first = q.stdout().split("\n", 2)[0];
            String value = first.split("\t", 2)[0];
            String bad = q.stdout().isEmpty() ? "the query returned no row (expected " + c.expect().text() + ")"
                    : c.expect().mismatch(value, m.backupTime());
            out.add(bad == null ? Check.pass("sql", c.name(), value + " (expected " + c.expect().text() + ")")
                    : Check.fail("sql", c.name(), bad));
        }
        return out;
    }

    /** The server's databases (as the listing named them) other than the restored one and the system schemas. */
    private static Set<String> otherDatabases(Set<String> all, String restored) {
        Set<String> out = new HashSet<>();
        for (String line : all) {
            String d = line.strip();
            if (!d.isEmpty() && !d.equals(restored) && !SYSTEM_SCHEMAS.contains(d.toLowerCase(Locale.ROOT))) {
                out.add(d);
            }
        }
        return out;
    }

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "performance_schema", "mysql", "sys");

    /**
     * The first of {@code databases} that {@code sql} names as a qualifier ({@code db.table},
     * {@code `db` . table}) or in {@code USE db}, outside string literals and comments; null when
     * none. Names compare ignoring case (a false alarm on an alias spelled like a database is a
     * failed check, never a false pass).
     */
    static String namedDatabase(String sql, Set<String> databases) {
        if (databases.isEmpty()) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n && sql.charAt(j) != c) {
                    j += sql.charAt(j) == '\\' ? 2 : 1;
                }
                tokens.add("'");
                i = j + 1;
            } else if (c == '#' || c == '-' && i + 2 < n && sql.charAt(i + 1) == '-' && Character.isWhitespace(sql.charAt(i + 2))) {
                int j = sql.indexOf('\n', i);
                i = j < 0 ? n : j + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                i = j < 0 ? n : j + 2;
            } else if (c == '`') {
                int j = sql.indexOf('`', i + 1);
                tokens.add("`" + (j < 0 ? sql.substring(i + 1) : sql.substring(i + 1, j)));
                i = j < 0 ? n : j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                tokens.add("`" + sql.substring(i, j));
                i = j;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                tokens.add(String.valueOf(c));
                i++;
            }
        }
        for (int t = 0; t < tokens.size(); t++) {
            String tok = tokens.get(t);
            if (!tok.startsWith("`") || tok.length() < 2) {
                continue;
            }
            String name = tok.substring(1);
            boolean qualifier = t + 1 < tokens.size() && tokens.get(t + 1).equals(".")
                    && (t == 0 || !tokens.get(t - 1).equals("."));
            boolean used = t > 0 && tokens.get(t - 1).equalsIgnoreCase("`use");
            if (qualifier || used) {
                for (String d : databases) {
                    if (d.equalsIgnoreCase(name)) {
                        return d;
                    }
                }
            }
        }
        return null;
    }

    /** At most this many client connections count rows at once. */
    private static final int COUNT_CONNECTIONS = 4;

    /**
     * A table with at least this many rows in the dump is counted in ranges of its primary key, one
     * per connection: a count scans the whole table on one server thread (a 300 MB table took 1.2 s,
     * most of the checks' time), and ranges that cover every key value add up to the same exact count.
     */
    static final long SPLIT_ROWS = 50_000;

    /** A table counted in ranges: the first column of its primary key (an integer) and its least and greatest value. */
    record Split(String column, BigInteger min, BigInteger max) {
    }

    /**
     * The tables of {@code m} worth counting in ranges, by their integer primary key's first column
     * and its bounds (two short queries); none when they cannot be found out, which only means the
     * tables are counted whole.
     */
    private Map<String, Split> splits(SqlClient client, MysqlRestored m) throws IOException, InterruptedException {
        List<String> big = m.found().rows().entrySet().stream().filter(e -> e.getValue() >= SPLIT_ROWS)
                .map(Map.Entry::getKey).sorted().toList();
        if (big.isEmpty()) {
            return Map.of();
        }
        String db = MysqlSyntax.literal(m.database());
        ProcessResult keys = client.query(null, "SELECT s.TABLE_NAME, s.COLUMN_NAME FROM information_schema.STATISTICS s "
                + "JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME "
                + "AND c.COLUMN_NAME = s.COLUMN_NAME WHERE s.TABLE_SCHEMA = " + db + " AND s.INDEX_NAME = 'PRIMARY' "
                + "AND s.SEQ_IN_INDEX = 1 AND c.DATA_TYPE IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint') "
                + "AND s.TABLE_NAME IN (" + String.join(", ", big.stream().map(MysqlSyntax::literal).toList()) + ")");
        if (!keys.ok()) {
            return Map.of();
        }
        Map<String, String> column = new HashMap<>();
        for (String line : keys.stdout().split("\n")) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && big.contains(f[0])) {
                column.put(f[0], f[1]);
            }
        }
        if (column.isEmpty()) {
            return Map.of();
        }
        List<String> bounds = new ArrayList<>();
        column.keySet().stream().sorted().forEach(t -> bounds.add("SELECT " + MysqlSyntax.literal(t) + ", MIN("
                + MysqlSyntax.ident(column.get(t)) + "), MAX(" + MysqlSyntax.ident(column.get(t)) + ") FROM "
                + MysqlSyntax.ident(m.database()) + "." + MysqlSyntax.ident(t)));
        ProcessResult range = client.query(null, String.join(" UNION ALL ", bounds));
        if (!range.ok()) {
            return Map.of();
        }
        Map<String, Split> out = new HashMap<>();
        for (String line : range.stdout().split("\n")) {
            String[] f = line.split("\t", 3);
            if (f.length == 3 && column.containsKey(f[0])) {
                try {
                    out.put(f[0], new Split(column.get(f[0]), new BigInteger(f[1].strip()), new BigInteger(f[2].strip())));
                } catch (NumberFormatException e) {
                    // NULL (an empty table) or anything unexpected: that table is counted whole.
                }
            }
        }
        return out;
    }

    /**
     * The count queries, one per connection: every table whole, or in {@code n} ranges of its key
     * when it has a {@link Split}, the pieces dealt round-robin. The ranges are open at both ends
     * ({@code < b1}, {@code >= b1 AND < b2}, ..., {@code >= bn-1}), so every row falls in exactly one
     * whatever the bounds were when read; each piece answers a line {@code table<TAB>count}, to be added up.
     */
    static List<String> lanes(String database, List<String> tables, Map<String, Split> splits, int n) {
        List<String> pieces = new ArrayList<>();
        for (String t : tables) {
            String from = "SELECT " + MysqlSyntax.literal(t) + ", COUNT(*) FROM " + MysqlSyntax.ident(database) + "."
                    + MysqlSyntax.ident(t);
            Split sp = splits.get(t);
            List<BigInteger> cuts = sp == null ? List.of() : cuts(sp.min(), sp.max(), n);
            if (cuts.isEmpty()) {
                pieces.add(from);
                continue;
            }
            String c = MysqlSyntax.ident(sp.column());
            for (int i = 0; i <= cuts.size(); i++) {
                String lower = i == 0 ? null : c + " >= " + cuts.get(i - 1);
                String upper = i == cuts.size() ? null : c + " < " + cuts.get(i);
                pieces.add(from + " WHERE " + (lower == null ? upper : upper == null ? lower : lower + " AND " + upper));
            }
        }
        List<List<String>> lanes = groups(pieces, n);
        return lanes.stream().map(l -> String.join(" UNION ALL ", l)).toList();
    }

    /** The {@code n - 1} distinct cut points that part [min, max] into {@code n} even ranges (fewer for a narrow range). */
    static List<BigInteger> cuts(BigInteger min, BigInteger max, int n) {
        List<BigInteger> out = new ArrayList<>();
        BigInteger span = max.subtract(min);
        for (int i = 1; i < n; i++) {
            BigInteger cut = min.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(n)));
            if (cut.compareTo(min) > 0 && (out.isEmpty() || cut.compareTo(out.get(out.size() - 1)) > 0)) {
                out.add(cut);
            }
        }
        return out;
    }

    /** The tables dealt round-robin into at most {@code n} non-empty groups. */
    static List<List<String>> groups(List<String> tables, int n) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            if (i < n) {
                out.add(new ArrayList<>());
            }
            out.get(i % n).add(tables.get(i));
        }
        return out;
    }

    private static String countSql(String database, List<String> tables) {
        List<String> query = new ArrayList<>();
        for (String t : tables) {
            query.add("SELECT " + MysqlSyntax.literal(t) + ", COUNT(*) FROM " + MysqlSyntax.ident(database) + "."
                    + MysqlSyntax.ident(t));
        }
        return String.join(" UNION ALL ", query);
    }

    /** The result of a client run on the check pool; its failure to run is an IOException as if run here. */
    private static <T> T await(Future<T> f) throws IOException, InterruptedException {
        return Futures.await(f);
    }

    private static void structure(List<Check> out, String what, Set<String> expected, Set<String> present) {
        if (expected.isEmpty() && !what.equals("tables")) {
            return;
        }
        Set<String> have = present == null ? Set.of() : present;
        List<String> missing = expected.stream().filter(n -> !have.contains(n)).sorted().toList();
        out.add(missing.isEmpty()
                ? Check.pass("structure", what, expected.size() + " of " + expected.size() + " present")
                : Check.fail("structure", what, "missing after restore: " + String.join(", ", missing) + " ("
                + (expected.size() - missing.size()) + " of " + expected.size() + " present)"));
    }

    /**
     * Row counts against the dump and the backup's estimates. {@code counts} were started over every
     * table of the dump; when the listing shows one missing, those are dropped and the present tables
     * are counted again (a count naming a missing table fails as a whole).
     */
    private void rows(List<Check> out, SqlClient client, MysqlRestored m, Set<String> present,
                      List<Future<ProcessResult>> counts) throws IOException, InterruptedException {
        List<String> tables = m.found().rows().keySet().stream().sorted().toList();
        Map<String, Long> counted = new HashMap<>();
        Map<String, String> unreadable = new HashMap<>();
        List<ProcessResult> results = new ArrayList<>();
        if (present.containsAll(tables)) {
            for (Future<ProcessResult> f : counts) {
                results.add(await(f));
            }
        } else {
            counts.forEach(f -> f.cancel(true));
            List<String> there = tables.stream().filter(present::contains).toList();
            if (!there.isEmpty()) {
                results.add(client.query(null, countSql(m.database(), there)));
            }
        }
        for (ProcessResult r : results) {
            if (!r.ok()) {
                out.add(Check.fail("rows", m.database(), "cannot count rows: " + secrets.redact(MysqlClient.why(r))));
                return;
            }
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    try {
                        // A table counted in ranges answers one line per range.
                        counted.merge(f[0], Long.parseLong(f[1].strip()), Long::sum);
                    } catch (NumberFormatException e) {
                        // Not a count (NULL, a proxy's warning): that table is not verified, and the
                        // restore must not pass on it, nor stop without its ledger entry.
                        unreadable.put(f[0], f[1].strip());
                    }
                }
            }
        }
        for (String t : tables) {
            long inDump = m.found().rows().get(t);
            Long have = counted.get(t);
            if (unreadable.containsKey(t)) {
                out.add(Check.fail("rows", t, "the server's row count is not a number: '"
                        + secrets.redact(unreadable.get(t)) + "'; " + inDump + " rows in the dump not verified"));
                continue;
            }
            if (have == null) {
                out.add(Check.fail("rows", t, present.contains(t)
                        ? "the server's count has no row for this table; " + inDump + " rows in the dump not verified"
                        : "table missing: " + inDump + " rows in the dump not restored"));
                continue;
            }
            Long recorded = m.estimates().get(t);
            String rec = recorded == null ? "no count recorded at backup"
                    : "~" + recorded + " recorded at backup (tolerance " + pct(plan.rowCountTolerance()) + ")";
            if (have != inDump) {
                out.add(Check.fail("rows", t, have + " rows restored, " + inDump + " in the dump; " + rec));
            } else if (recorded != null && Math.abs(have - recorded)
                    > Math.ceil(plan.rowCountTolerance() * Math.max(recorded, have))) {
                out.add(Check.fail("rows", t, have + " rows restored (as in the dump), " + rec + ": off by "
                        + Math.abs(have - recorded)));
            } else {
                out.add(Check.pass("rows", t, have + " rows (dump " + inDump + "; " + rec + ")"));
            }
        }
    }

    private static String pct(double d) {
        return BigDecimalHolder.pct(d);
    }

    /** Formats a fraction as a percentage without trailing zeros. */
    private static final class BigDecimalHolder {
        static String pct(double d) {
            return new BigDecimal(d * 100).round(new MathContext(4)).stripTrailingZeros()
                    .toPlainString() + "%";
        }
    }

}
