package dev.preflight.restore;

import dev.preflight.plan.PlanReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a SQL check's value must be: a comparison with a number ({@code "> 0"}, {@code ">= 10"},
 * {@code "!= 0"}), an exact value ({@code "42"}, {@code "= ok"}), or freshness
 * ({@code "within 24h of backup"}: a timestamp, read as UTC, no older than that before the backup
 * started).
 */
public sealed interface Expectation {
    Pattern COMPARE = Pattern.compile("(>=|<=|!=|>|<|=)\\s*(.*)");
    Pattern WITHIN = Pattern.compile("within\\s+(\\S+)(\\s+of\\s+backup)?");

    /** The text as written in the plan. */
    String text();

    /** Null when {@code value} satisfies it, else why not. */
    String mismatch(String value, Instant backupTime);

    /** Parses the plan's {@code expect}; throws {@link IllegalArgumentException} with a readable reason. */
    static Expectation parse(String s) {
        String t = s.strip();
        Matcher w = WITHIN.matcher(t);
        if (w.matches()) {
            Duration d = PlanReader.parseDuration(w.group(1));
            if (d == null) {
                // Never a null duration that fails later: malformed and out of range are both said here.
                throw new IllegalArgumentException("'" + w.group(1) + "' is not a duration from 1ms to "
                        + PlanReader.MAX_DURATION.toDays() + "d (e.g. 24h, 7d)");
            }
            return new Fresh(t, d);
        }
        Matcher c = COMPARE.matcher(t);
        if (c.matches()) {
            String op = c.group(1);
            String v = c.group(2).strip();
            if (op.equals("=")) {
                return new Exact(t, v);
            }
            try {
                return new Compare(t, op, new BigDecimal(v));
            } catch (NumberFormatException e) {
                if (op.equals("!=")) {
                    return new Compare(t, op, null);
                }
                throw new IllegalArgumentException("'" + v + "' is not a number to compare with " + op);
            }
        }
        return new Exact(t, t);
    }

    /** The value equals the text exactly. */
    record Exact(String text, String value) implements Expectation {
        @Override
        public String mismatch(String actual, Instant backupTime) {
            return value.equals(actual) ? null : "got '" + actual + "', expected '" + value + "'";
        }
    }

    /** A numeric comparison ({@code !=} with a non-number compares text). */
    record Compare(String text, String op, BigDecimal number) implements Expectation {
        @Override
        public String mismatch(String actual, Instant backupTime) {
            if (number == null) {
                String other = text.substring(2).strip();
                return !other.equals(actual) ? null : "got '" + actual + "', expected " + text;
            }
            BigDecimal a;
            try {
                a = new BigDecimal(actual.strip());
            } catch (NumberFormatException e) {
                return "got '" + actual + "', not a number (expected " + text + ")";
            }
            int c = a.compareTo(number);
            boolean ok = switch (op) {
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case "!=" -> c != 0;
                default -> c == 0;
            };
            return ok ? null : "got " + actual + ", expected " + text;
        }
    }

    /** A timestamp no older than {@code within} before the backup started. */
    record Fresh(String text, Duration within) implements Expectation {
        @Override
        public String mismatch(String actual, Instant backupTime) {
            if (actual == null || actual.isEmpty() || actual.equals("NULL")) {
                return "got NULL, expected a timestamp " + text;
            }
            Instant t;
            try {
                t = LocalDateTime.parse(actual.strip().replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                return "got '" + actual + "', not a timestamp (expected " + text + ")";
            }
            Duration age = Duration.between(t, backupTime);
            return age.compareTo(within) <= 0 ? null
                    : "newest is " + actual + " UTC, " + age.toHours() + "h before the backup (" + backupTime
                    + "), expected " + text;
        }
    }
}
