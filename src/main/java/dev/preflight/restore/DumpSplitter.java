package dev.preflight.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a mysqldump/mariadb-dump stream into the pieces a parallel load needs, without holding more
 * than one statement: a table's rows (its INSERT statements), which may be loaded over any
 * connection; session settings ({@code SET ...} lines and the client's sandbox directive), which
 * every connection needs; and everything else (DDL, views, routines, triggers, events), which must
 * run in dump order on one connection. {@code LOCK TABLES}/{@code UNLOCK TABLES} are dropped: they
 * would make the other connections wait for the first (they only spare MyISAM some key flushes),
 * and comment lines are dropped as nobody reads them.
 *
 * <p>An INSERT is recognised only at the start of a statement while the delimiter is {@code ;}
 * (a routine or trigger body, written under {@code DELIMITER ;;}, is never taken for rows), and its
 * end is found by a quote-aware scan, so a {@code ;} or a newline inside a string value does not end
 * it. Not thread-safe.
 */
public final class DumpSplitter {
    /** How many bytes of a line are enough to tell what it starts. */
    private static final int HEAD = 600;
    private static final Pattern ROWS = Pattern.compile(
            "^(?:INSERT(?: IGNORE)?|REPLACE) INTO (`(?:[^`]|``)+`|[A-Za-z0-9_$]+)[ (]");
    private static final Pattern DELIMITER = Pattern.compile("^(?i:delimiter)[ \\t]+(\\S+)");
    private static final Pattern SESSION = Pattern.compile("^(?:/\\*M?!\\d+ +)?SET\\b.*;\\s*$", Pattern.DOTALL);
    private static final Pattern LOCKS = Pattern.compile("^(?:LOCK TABLES\\b.*|UNLOCK TABLES);\\s*$", Pattern.DOTALL);
    /** The first line of a recent mariadb-dump: a directive of the client itself, not a statement. */
    private static final String SANDBOX = "/*M!999999\\- enable the sandbox mode";

    /** Where the pieces go, in dump order. */
    public interface Target {
        /** One INSERT statement, ending with {@code ;} and a newline. */
        void rows(byte[] statement) throws IOException;

        /** A line every connection must run (a session setting). */
        void everyone(byte[] line) throws IOException;

        /** A line that runs in dump order after every row before it; {@code delimiter} is the one in force after it. */
        void inOrder(byte[] line, String delimiter) throws IOException;
    }

    private final Target target;
    private final Buf line = new Buf();
    private final Buf stmt = new Buf();
    private String delimiter = ";";
    /** An in-order statement started on an earlier line and has not reached its delimiter yet. */
    private boolean midStatement;
    /** The current line's start was already classified (it was long) and it is in-order text. */
    private boolean lineIsText;
    // Inside an INSERT statement, and where it stands with respect to string literals.
    private boolean inRows;
    private final SqlLiteral literal = new SqlLiteral();
    private boolean unterminated;

    public DumpSplitter(Target target) {
        this.target = target;
    }

    /** The delimiter in force (what a statement sent now on the in-order connection must end with). */
    public String delimiter() {
        return delimiter;
    }

    /** Takes the next bytes of the (uncompressed) dump. */
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (inRows) {
                i = rowBytes(b, i, end);
                continue;
            }
            int nl = indexOf(b, (byte) '\n', i, end);
            int stop = nl < 0 ? end : nl + 1;
            line.append(b, i, stop - i);
            i = stop;
            if (nl >= 0) {
                endOfLine();
            } else if (!lineIsText && line.len >= HEAD) {
                // A long line: decide now whether it starts rows, so that a one-line INSERT of
                // megabytes (MySQL's format) is streamed rather than held.
                if (!startRows()) {
                    lineIsText = true;
                }
            }
        }
    }

    /** Ends the stream: a last line without a newline is passed on. */
    public void finish() throws IOException {
        if (!inRows && line.len > 0) {
            line.append(new byte[] {'\n'}, 0, 1);
            endOfLine();
        }
        if (inRows) {
            // Cut inside an INSERT: pass on what there is; the client reports the broken statement.
            unterminated = true;
            emitRows();
        }
    }

    /** True when the dump ended inside an INSERT statement. */
    public boolean unterminated() {
        return unterminated;
    }

    private void endOfLine() throws IOException {
        if (lineIsText || !startRows()) {
            text();
        }
        lineIsText = false;
    }

    /** If the line so far starts an INSERT at a statement start, switches to rows and scans what is held. */
    private boolean startRows() throws IOException {
        if (midStatement || !delimiter.equals(";")) {
            return false;
        }
        String head = line.head(HEAD);
        Matcher m = ROWS.matcher(head);
        if (!m.find()) {
            return false;
        }
        // Quote-scan from after the table name (a name may hold a quote character); the head is
        // ISO-8859-1, one char per byte, so its indexes are byte offsets.
        int from = m.end() - 1;
        stmt.len = 0;
        stmt.append(line.bytes, 0, from);
        inRows = true;
        literal.reset();
        byte[] held = Arrays.copyOfRange(line.bytes, from, line.len);
        line.len = 0;
        int i = 0;
        while (i < held.length) {
            if (inRows) {
                i = rowBytes(held, i, held.length);
            } else {
                // The statement ended inside what was held: the rest is ordinary input again.
                write(held, i, held.length - i);
                break;
            }
        }
        return true;
    }

    /** Scans INSERT bytes up to the statement's closing {@code ;} outside quotes. */
    private int rowBytes(byte[] b, int i, int end) throws IOException {
        int start = i;
        while (i < end) {
            if (literal.open()) {
                i = literal.skip(b, i, end);
                continue;
            }
            byte c = b[i++];
            if (c == '\'') {
                literal.start();
            } else if (c == ';') {
                stmt.append(b, start, i - start);
                literal.reset();
                emitRows();
                return i;
            }
        }
        stmt.append(b, start, i - start);
        return i;
    }

    private void emitRows() throws IOException {
        if (stmt.len == 0 || stmt.bytes[stmt.len - 1] != '\n') {
            stmt.append(new byte[] {'\n'}, 0, 1);
        }
        inRows = false;
        target.rows(stmt.copy());
        stmt.len = 0;
    }

    /** A whole line that is not rows: a setting for everyone, a dropped line, or in-order text. */
    private void text() throws IOException {
        byte[] l = line.copy();
        line.len = 0;
        if (midStatement) {
            midStatement = !endsWithDelimiter(l);
            target.inOrder(l, delimiter);
            return;
        }
        String s = new String(l, 0, Math.min(l.length, HEAD), StandardCharsets.ISO_8859_1);
        String t = s.strip();
        if (t.isEmpty() || t.startsWith("-- ") || t.equals("--") || t.startsWith("#")) {
            return;
        }
        if (t.startsWith(SANDBOX)) {
            target.everyone(l);
            return;
        }
        Matcher d = DELIMITER.matcher(t);
        if (d.find()) {
            delimiter = d.group(1);
            target.inOrder(l, delimiter);
            return;
        }
        if (delimiter.equals(";") && l.length <= HEAD) {
            if (LOCKS.matcher(t.toUpperCase(Locale.ROOT)).matches()) {
                return;
            }
            if (SESSION.matcher(t).matches()) {
                target.everyone(l);
                return;
            }
        }
        midStatement = !endsWithDelimiter(l);
        target.inOrder(l, delimiter);
    }

    private boolean endsWithDelimiter(byte[] l) {
        int e = l.length;
        while (e > 0 && (l[e - 1] == '\n' || l[e - 1] == '\r' || l[e - 1] == ' ' || l[e - 1] == '\t')) {
            e--;
        }
        byte[] d = delimiter.getBytes(StandardCharsets.ISO_8859_1);
        if (e < d.length) {
            return false;
        }
        for (int k = 0; k < d.length; k++) {
            if (l[e - d.length + k] != d[k]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte x, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** A growable byte buffer. */
    private static final class Buf {
        byte[] bytes = new byte[1 << 12];
        int len;

        void append(byte[] b, int off, int n) {
            if (len + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, len + n));
            }
            System.arraycopy(b, off, bytes, len, n);
            len += n;
        }

        byte[] copy() {
            return Arrays.copyOf(bytes, len);
        }

        String head(int n) {
            return new String(bytes, 0, Math.min(len, n), StandardCharsets.ISO_8859_1);
        }
    }
}
