package dev.preflight.restore;

/**
 * Where a byte-by-byte scan of dump text stands with respect to single-quoted string literals, as
 * mysqldump writes them (backslash escapes; a doubled quote is a close followed by an open), kept
 * across buffer boundaries. Shared by the scanner that counts rows and the splitter that finds where
 * an INSERT ends: neither may take a {@code ;} or a parenthesis inside a value for syntax.
 */
final class SqlLiteral {
    private boolean open;
    private boolean escaped;

    /** True while the scan is inside a literal. */
    boolean open() {
        return open;
    }

    /** The byte just read outside a literal was a quote: a literal starts. */
    void start() {
        open = true;
        escaped = false;
    }

    void reset() {
        open = false;
        escaped = false;
    }

    /**
     * Consumes literal bytes from {@code i}: up to and including the closing quote, or to
     * {@code end} when the literal goes on in the next buffer. Returns where the scan continues.
     */
    int skip(byte[] b, int i, int end) {
        while (i < end) {
            if (!escaped) {
                // Most of a dump's bytes are inside literals: run to the next quote or backslash.
                while (i < end && b[i] != '\'' && b[i] != '\\') {
                    i++;
                }
                if (i == end) {
                    return i;
                }
            }
            byte c = b[i++];
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else {
                open = false;
                return i;
            }
        }
        return i;
    }
}
