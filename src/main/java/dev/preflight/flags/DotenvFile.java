package dev.preflight.flags;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A dotenv file held as its exact bytes, with just enough structure to find one {@code KEY=value}
 * line and splice a new value into it. Everything outside the spliced range (other lines, comments,
 * {@code export} prefixes, the quotes, the line endings, a missing final newline, bytes that are not
 * valid UTF-8) is copied through untouched, so a rewrite changes only what it means to change.
 * Immutable and thread-safe.
 */
public final class DotenvFile {
    /** How the value is written: {@code K=v}, {@code K='v'} or {@code K="v"} (with backslash escapes). */
    public enum Quote {
        NONE, SINGLE, DOUBLE
    }

    private final String name;
    private final byte[] bytes;
    /** Per line: start offset, end offset (before the line break), offset after the line break. */
    private final List<int[]> lines;

    private DotenvFile(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
        this.lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            // Lines end as phpdotenv splits them: \r\n, \n, or a lone \r. Read as one line, a lone \r
            // hid a second definition after a comment ('...' # note\rAPP_FEATURE_FLAGS=...) that
            // Laravel reads and keeps, being the later one.
            if (bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                lines.add(new int[] {start, end, i + 1});
                start = i + 1;
            } else if (bytes[i] == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
                lines.add(new int[] {start, i, i + 1});
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            lines.add(new int[] {start, bytes.length, bytes.length});
        }
    }

    /** Wraps a file's content; {@code name} is how problems name the file. */
    public static DotenvFile of(String name, byte[] content) {
        return new DotenvFile(name, content.clone());
    }

    public String name() {
        return name;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int lineCount() {
        return lines.size();
    }

    /** A dotenv value that cannot be read: where (1-based line and column) and why. */
    public static final class DotenvException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        DotenvException(int line, int column, String message) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /**
     * The value of {@code key} as the file writes it.
     *
     * @param line        1-based line number
     * @param value       the value after unquoting and unescaping, decoded as UTF-8
     * @param lineStart   file offset of the line's first byte
     * @param rawStart    file offset of the value's first byte inside the quotes
     * @param rawEnd      file offset just past the value's last byte inside the quotes
     * @param decodedToRaw for each byte of the UTF-8 encoded {@code value} (and one past its end),
     *                    the file offset it came from; escapes make the two differ
     */
    public record Entry(int line, Quote quote, String value, int lineStart, int rawStart, int rawEnd,
                        int[] decodedToRaw) {
        /** The 1-based column in the file of the character at {@code charOffset} of {@link #value()}. */
        public int column(int charOffset) {
            int off = Math.max(0, Math.min(charOffset, value.length()));
            int b = value.substring(0, off).getBytes(StandardCharsets.UTF_8).length;
            return decodedToRaw[Math.min(b, decodedToRaw.length - 1)] - lineStart + 1;
        }

        /** The file offset of the character at {@code charOffset} of {@link #value()}. */
        int fileOffset(int charOffset) {
            int b = value.substring(0, charOffset).getBytes(StandardCharsets.UTF_8).length;
            return decodedToRaw[b];
        }
    }

    /**
     * Finds {@code key} (with or without {@code export }); null when the file does not define it.
     *
     * @throws DotenvException when the key is defined twice, its value cannot be read, or the file
     *                         starts with a byte order mark (which Laravel refuses)
     */
    public Entry find(String key) throws DotenvException {
        if (bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
            // phpdotenv reads the mark as part of the first name and refuses the whole file.
            throw new DotenvException(1, 1, "the file starts with a UTF-8 byte order mark; Laravel fails with "
                    + "'Encountered an invalid name': save it without the BOM");
        }
        Entry found = null;
        for (int i : definitionLines()) {
            int[] l = lines.get(i);
            // ISO-8859-1 maps each byte to one char, so char indexes are file offsets within the line.
            String text = new String(bytes, l[0], l[1] - l[0], StandardCharsets.ISO_8859_1);
            int eq = text.indexOf('=');
            if (!key.equals(name(eq < 0 ? text : text.substring(0, eq)))) {
                continue;
            }
            if (found != null) {
                throw new DotenvException(i + 1, 1, key + " is defined twice (lines " + found.line() + " and "
                        + (i + 1) + "); the application would read only one of them");
            }
            if (eq < 0) {
                throw new DotenvException(i + 1, 1, key + " has no '=' and no value on this line (Laravel reads it "
                        + "as no value at all)");
            }
            int at = eq + 1;
            while (at < text.length() && PHP_TRIM.indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            found = entry(i + 1, l[0], text, at);
        }
        return found;
    }

    /** What PHP's {@code trim} removes, which phpdotenv applies to a name and a value. */
    private static final String PHP_TRIM = " \t\n\r\0\u000B";

    /**
     * The variable a line defines as phpdotenv reads its name (the text before the first {@code =}):
     * trimmed as PHP trims, an {@code export} and whitespace dropped, and the quotes around a quoted
     * name ({@code "APP_FEATURE_FLAGS"=...}) removed; null for a comment or a blank line. Matched
     * only as {@code [ \t]*(export[ \t]+)?KEY[ \t]*=}, a quoted name, a vertical tab or a NUL
     * around it hid a second definition Laravel reads (and keeps, being the later).
     */
    private static String name(String raw) {
        String n = phpTrim(raw);
        if (n.isEmpty() || n.startsWith("#")) {
            return null;
        }
        if (n.length() > 8 && n.startsWith("export") && " \t\n\u000B\f\r".indexOf(n.charAt(6)) >= 0) {
            n = phpTrim(n.substring(6));
        }
        if (n.length() >= 3 && (n.charAt(0) == '"' || n.charAt(0) == '\'') && n.charAt(n.length() - 1) == n.charAt(0)) {
            n = n.substring(1, n.length() - 1);
        }
        return n;
    }

    private static String phpTrim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && PHP_TRIM.indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && PHP_TRIM.indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * The lines phpdotenv reads as definitions: every line, except the continuation lines of a
     * multi-line double-quoted value (its {@code Lines} rules: a line with {@code ="} whose quotes do
     * not close on it opens one, the next line with an unescaped quote closes it). A line there is
     * part of another variable's value, not a definition. A value still open at the end is given by
     * its first line, so that a key opening it is reported rather than ignored.
     */
    private List<Integer> definitionLines() {
        List<Integer> out = new ArrayList<>();
        boolean multiline = false;
        int opened = -1;
        for (int i = 0; i < lines.size(); i++) {
            int[] l = lines.get(i);
            String text = new String(bytes, l[0], l[1] - l[0], StandardCharsets.ISO_8859_1);
            boolean started = text.contains("=\"") && !closesMultiline(text, true);
            multiline |= started;
            if (!multiline) {
                out.add(i);
                continue;
            }
            if (opened < 0) {
                opened = i;
            }
            if (closesMultiline(text, started)) {
                out.add(opened);
                multiline = false;
                opened = -1;
            }
        }
        if (opened >= 0) {
            out.add(opened);
        }
        return out;
    }

    /** phpdotenv's {@code looksLikeMultilineStop}: the unescaped quotes on the line close the value. */
    private static boolean closesMultiline(String line, boolean started) {
        if (line.equals("\"")) {
            return true;
        }
        String s = line.replace("\\\\", "");
        int quotes = 0;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == '"' && s.charAt(i - 1) != '\\') {
                quotes++;
            }
        }
        return started ? quotes > 1 : quotes >= 1;
    }

    private Entry entry(int line, int lineStart, String text, int at) throws DotenvException {
        Quote q = at < text.length() && text.charAt(at) == '"' ? Quote.DOUBLE
                : at < text.length() && text.charAt(at) == '\'' ? Quote.SINGLE : Quote.NONE;
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        List<Integer> map = new ArrayList<>();
        int rawStart;
        int rawEnd;
        int rest;
        if (q == Quote.NONE) {
            rawStart = at;
            int end = text.length();
            for (int i = at; i < text.length(); i++) {
                // As phpdotenv reads it: a '#' ends an unquoted value wherever it is (a comment starts).
                if (text.charAt(i) == '#') {
                    end = i;
                    break;
                }
            }
            while (end > at && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
                end--;
            }
            rawEnd = end;
            for (int i = rawStart; i < rawEnd; i++) {
                if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                    // phpdotenv refuses this ("Encountered unexpected whitespace"): Laravel would not boot.
                    throw new DotenvException(line, i + 1, "an unquoted value cannot contain whitespace (Laravel "
                            + "fails with 'Encountered unexpected whitespace'); put the value in single quotes");
                }
            }
            for (int i = rawStart; i < rawEnd; i++) {
                map.add(lineStart + i);
                decoded.write(text.charAt(i));
            }
            rest = text.length();
        } else {
            char close = q == Quote.DOUBLE ? '"' : '\'';
            rawStart = at + 1;
            int i = rawStart;
            boolean closed = false;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == close) {
                    closed = true;
                    break;
                }
                if (q == Quote.DOUBLE && c == '\\' && i + 1 < text.length()) {
                    char n = text.charAt(i + 1);
                    int out = switch (n) {
                        case '"', '\\', '$' -> n;
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'f' -> '\f';
                        case 'v' -> 0x0B;
                        default -> -1;
                    };
                    if (out < 0) {
                        throw new DotenvException(line, i + 1, "unexpected escape sequence \\" + n + " (Laravel "
                                + "accepts \\\" \\\\ \\$ \\f \\n \\r \\t \\v in double quotes and refuses the file)");
                    }
                    map.add(lineStart + i);
                    decoded.write(out);
                    i += 2;
                    continue;
                }
                map.add(lineStart + i);
                decoded.write(c);
                i++;
            }
            if (!closed) {
                throw new DotenvException(line, at + 1, "the value's opening " + close
                        + " is not closed on this line (multi-line values are not supported for this key)");
            }
            rawEnd = i;
            rest = i + 1;
            String after = text.substring(rest);
            if (!after.isBlank() && !after.stripLeading().startsWith("#")) {
                throw new DotenvException(line, rest + 1, "unexpected text after the closing " + close
                        + ": '" + after.strip() + "'");
            }
        }
        map.add(lineStart + rawEnd);
        String value;
        try {
            value = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new DotenvException(line, rawStart + 1, "the value is not valid UTF-8");
        }
        return new Entry(line, q, value, lineStart, lineStart + rawStart, lineStart + rawEnd,
                map.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The file with {@code entry}'s value replaced by {@code newValue}, written in the entry's quoting
     * style; every other byte stays as it was.
     *
     * @throws IllegalArgumentException when the value cannot be written in that style
     */
    public byte[] withValue(Entry entry, String newValue) {
        String raw = switch (entry.quote()) {
            case DOUBLE -> newValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                    .replace("\r", "\\r");
            case SINGLE -> {
                if (newValue.contains("'") || newValue.contains("\n") || newValue.contains("\r")) {
                    throw new IllegalArgumentException("a single-quoted value cannot contain quotes or line breaks");
                }
                yield newValue;
            }
            case NONE -> {
                if (newValue.matches("(?s).*[#\\s].*") || newValue.startsWith("\"")
                        || newValue.startsWith("'") || !newValue.equals(newValue.strip())) {
                    throw new IllegalArgumentException("this value cannot be written unquoted: quote the line first");
                }
                yield newValue;
            }
        };
        return splice(entry.rawStart(), entry.rawEnd(), raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The file with the characters {@code [from, to)} of {@code entry}'s value replaced by
     * {@code replacement}, which must need no quoting or escaping (a JSON literal such as
     * {@code true}); the rest of the value, escapes included, stays byte for byte.
     */
    public byte[] withReplaced(Entry entry, int from, int to, String replacement) {
        if (!replacement.matches("[A-Za-z0-9]*")) {
            throw new IllegalArgumentException("only plain literals can be spliced: " + replacement);
        }
        return splice(entry.fileOffset(from), entry.fileOffset(to), replacement.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] splice(int from, int to, byte[] middle) {
        byte[] out = new byte[bytes.length - (to - from) + middle.length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(middle, 0, out, from, middle.length);
        System.arraycopy(bytes, to, out, from + middle.length, bytes.length - to);
        return out;
    }
}
