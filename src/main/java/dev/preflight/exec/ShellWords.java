package dev.preflight.exec;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns an argv list into the single command string an SSH server hands to the remote user's
 * shell, quoting every word so that it arrives as exactly one argument: nothing in a word is ever
 * interpreted (no globbing, expansion, redirection or command separators).
 */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./=:,+@%^-]+");

    private ShellWords() {
    }

    /** POSIX single-quoting: safe words as they are, others in '...' with embedded quotes as '\''. */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The argv as one command line of quoted words. */
    public static String join(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quote(a));
        }
        return sb.toString();
    }
}
