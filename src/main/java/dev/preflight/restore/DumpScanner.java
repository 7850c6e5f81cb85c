package dev.preflight.restore;

import dev.preflight.exec.MysqlSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a mysqldump/mariadb-dump stream as it goes by on its way to the client tool, without
 * holding it: collects the names of the tables, views, routines, triggers and events the dump
 * creates, counts the rows its INSERT statements carry per table, and refuses a dump that would
 * leave the scratch database ({@code USE} or {@code CREATE DATABASE}, as written by
 * {@code --databases}). Only the first bytes of each line are looked at, except inside INSERT
 * statements, where a small quote-aware state machine counts the row tuples. Not thread-safe.
 */
public final class DumpScanner {
    private static final int HEAD = 512;
    private static final String NAME = "(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)";
    private static final Pattern TABLE = Pattern.compile("^CREATE TABLE (?:IF NOT EXISTS )?" + NAME);
    private static final Pattern VIEW = Pattern.compile("^/\\*!50001 (?:CREATE )?VIEW " + NAME);
    private static final Pattern ROUTINE = Pattern.compile("^CREATE\\b.*?\\b(PROCEDURE|FUNCTION) " + NAME);
    private static final Pattern TRIGGER = Pattern.compile("^/\\*!50003 CREATE\\*/.*?/\\*!50003 TRIGGER " + NAME);
    private static final Pattern EVENT = Pattern.compile("^/\\*!50106 CREATE\\*/.*?/\\*!50106 EVENT " + NAME);
    private static final Pattern INSERT = Pattern.compile("^INSERT (?:IGNORE )?INTO " + NAME + " ");
    private static final Pattern SWITCH = Pattern.compile("^(?:USE |(?:/\\*!\\d+ )?CREATE (?:DATABASE|SCHEMA)\\b)");

    /** The dump would leave the database it is restored into: it is not fed further. */
    public static final class ForeignDatabaseException extends IOException {
        private static final long serialVersionUID = 1L;

        ForeignDatabaseException(String line) {
            super("the dump switches or creates databases ('" + line + "'): it was made with --databases or "
                    + "--all-databases and would not restore into the scratch database; nothing after it was sent");
        }
    }

    private final Set<String> tables = new LinkedHashSet<>();
    private final Set<String> views = new LinkedHashSet<>();
    private final Set<String> procedures = new LinkedHashSet<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<String> triggers = new LinkedHashSet<>();
    private final Set<String> events = new LinkedHashSet<>();
    private final Map<String, Long> rows = new LinkedHashMap<>();
    private final byte[] head = new byte[HEAD];
    private int headLen;
    private boolean headDone;
    // Inside an INSERT statement: quote state and parenthesis depth.
    private String insertTable;
    private long insertRows;
    private final SqlLiteral literal = new SqlLiteral();
    private int depth;
    private long bytes;

    /** Scans the next bytes of the (uncompressed) dump; throws before a foreign-database line is passed on. */
    public void scan(byte[] b, int off, int len) throws ForeignDatabaseException {
        bytes += len;
        int end = off + len;
        int i = off;
        while (i < end) {
            if (insertTable != null) {
                i = insertBytes(b, i, end);
                continue;
            }
            byte c = b[i];
            if (c == '\n') {
                i++;
                line();
            } else if (headDone) {
                i++;
            } else if (headLen < HEAD) {
                head[headLen++] = c;
                i++;
            } else {
                // A long line: classify its start; the current byte is then read again (it may
                // belong to an INSERT statement that just began).
                headDone = true;
                classify(new String(head, 0, headLen, StandardCharsets.UTF_8));
            }
        }
    }

    /** Counts row tuples until the statement's closing ';' outside quotes and parentheses. */
    private int insertBytes(byte[] b, int i, int end) {
        int d = depth;
        long n = insertRows;
        while (i < end) {
            if (literal.open()) {
                i = literal.skip(b, i, end);
                continue;
            }
            byte c = b[i++];
            if (c == '\'') {
                literal.start();
            } else if (c == '(') {
                if (d == 0) {
                    n++;
                }
                d++;
            } else if (c == ')') {
                d--;
            } else if (c == ';' && d == 0) {
                rows.merge(insertTable, n, Long::sum);
                insertTable = null;
                n = 0;
                // The rest of this line is not a statement start: skip the head until the next line.
                headDone = true;
                headLen = 0;
                break;
            }
        }
        depth = d;
        insertRows = n;
        return i;
    }

    private void line() throws ForeignDatabaseException {
        if (!headDone && headLen > 0) {
            classify(new String(head, 0, headLen, StandardCharsets.UTF_8));
        }
        headLen = 0;
        headDone = false;
    }

    private void classify(String line) throws ForeignDatabaseException {
        char c0 = line.charAt(0);
        if (c0 != 'C' && c0 != '/' && c0 != 'I' && c0 != 'U') {
            return;
        }
        if (SWITCH.matcher(line).find()) {
            throw new ForeignDatabaseException(line.length() > 80 ? line.substring(0, 80) + "..." : line.strip());
        }
        Matcher m;
        if ((m = INSERT.matcher(line)).find()) {
            insertTable = MysqlSyntax.unident(m.group(1));
            rows.putIfAbsent(insertTable, 0L);
            insertRows = 0;
            literal.reset();
            depth = 0;
            // The head already holds the start of the statement: count its tuples, then go on.
            byte[] h = line.getBytes(StandardCharsets.UTF_8);
            int at = m.end();
            insertBytes(h, at, h.length);
        } else if ((m = TABLE.matcher(line)).find()) {
            tables.add(MysqlSyntax.unident(m.group(1)));
        } else if ((m = VIEW.matcher(line)).find()) {
            views.add(MysqlSyntax.unident(m.group(1)));
        } else if ((m = TRIGGER.matcher(line)).find()) {
            triggers.add(MysqlSyntax.unident(m.group(1)));
        } else if ((m = EVENT.matcher(line)).find()) {
            events.add(MysqlSyntax.unident(m.group(1)));
        } else if ((m = ROUTINE.matcher(line)).find()) {
            (m.group(1).equals("PROCEDURE") ? procedures : functions).add(MysqlSyntax.unident(m.group(2)));
        }
    }

    /** Ends the scan (a last line without a newline is classified). */
    public Found finish() throws ForeignDatabaseException {
        if (insertTable == null) {
            line();
        }
        Set<String> t = new LinkedHashSet<>(tables);
        t.removeAll(views);
        Map<String, Long> r = new LinkedHashMap<>();
        for (String name : t) {
            r.put(name, rows.getOrDefault(name, 0L));
        }
        return new Found(Set.copyOf(t), Set.copyOf(views), Set.copyOf(procedures), Set.copyOf(functions),
                Set.copyOf(triggers), Set.copyOf(events), r, bytes, insertTable != null);
    }

    /**
     * What the dump creates.
     *
     * @param rows         row tuples per base table in the dump's INSERT statements
     * @param bytes        uncompressed size of the dump
     * @param unterminated the dump ended inside an INSERT statement
     */
    public record Found(Set<String> tables, Set<String> views, Set<String> procedures, Set<String> functions,
                        Set<String> triggers, Set<String> events, Map<String, Long> rows, long bytes,
                        boolean unterminated) {
    }
}
