package dev.preflight.plan;

import java.util.regex.Pattern;

/** Host-name globs in plans ({@code academy-blue-*}): {@code *} any run of characters, {@code ?} one. */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(String glob, String name) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.matches(re.toString(), name);
    }
}
