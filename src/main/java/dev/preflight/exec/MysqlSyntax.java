package dev.preflight.exec;

/**
 * How names and values are quoted for MySQL/MariaDB: identifiers in backquotes, string literals in
 * single quotes, and the values of a client option file. The one copy used by backup (the dump) and
 * restore (the scratch database and its checks).
 */
public final class MysqlSyntax {
    private MysqlSyntax() {
    }

    /** A SQL identifier in backquotes; a backquote inside is doubled. */
    public static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A name as a dump writes it, backquoted or bare, read back: the inverse of {@link #ident}. */
    public static String unident(String name) {
        return name.startsWith("`") ? name.substring(1, name.length() - 1).replace("``", "`") : name;
    }

    /**
     * A SQL string literal in single quotes: a quote is doubled and a backslash escaped, since the
     * server reads backslash escapes unless {@code NO_BACKSLASH_ESCAPES} is set.
     */
    public static String literal(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A value in an option file, double-quoted so '#', spaces and quotes survive. */
    public static String optionValue(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The {@code [client]} section of an option file (read with {@code --defaults-extra-file}, so the
     * password never appears in an argv).
     *
     * @param password null when there is none
     */
    public static String clientOptions(String host, int port, String user, String password) {
        StringBuilder sb = new StringBuilder("[client]\n");
        sb.append("host=").append(optionValue(host)).append('\n');
        sb.append("port=").append(port).append('\n');
        sb.append("user=").append(optionValue(user)).append('\n');
        if (password != null) {
            sb.append("password=").append(optionValue(password)).append('\n');
        }
        return sb.toString();
    }
}
