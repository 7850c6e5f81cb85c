package dev.preflight.flags;

import dev.preflight.flags.DotenvFile.DotenvException;
import dev.preflight.flags.FlagValues.JsonProblem;

/**
 * Switches one flag inside a dotenv file's flags value by replacing only its {@code true}/{@code false}
 * literal: the JSON's spacing, member order and escapes, the line's quoting and every other byte of
 * the file stay as they were.
 */
public final class FlagEditor {
    private FlagEditor() {
    }

    /**
     * The file's bytes with {@code flag} set to {@code on} in the value of {@code envKey}.
     *
     * @throws IllegalArgumentException when the key or the flag is missing, or the flag is not a boolean
     */
    public static byte[] set(DotenvFile file, String envKey, String flag, boolean on)
            throws DotenvException, JsonProblem {
        DotenvFile.Entry e = file.find(envKey);
        if (e == null) {
            throw new IllegalArgumentException(file.name() + " has no " + envKey + " line");
        }
        FlagValues.Field f = FlagValues.parse(e.value()).fields().get(flag);
        if (f == null || f.value() == null) {
            throw new IllegalArgumentException(file.name() + ": " + envKey + " has no boolean '" + flag + "'");
        }
        return file.withReplaced(e, f.valueStart(), f.valueEnd(), Boolean.toString(on));
    }
}
