package dev.preflight.backup;

import dev.preflight.core.Hashing;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process that made a temporary thing (a private temp directory, a {@code .partial} copy, a
 * scratch database), written into its name so that a later run can tell a leftover of a dead
 * process from the work of a live one: the pid, the process's start time (a reused pid has another
 * one) and a tag of the host (a destination or a staging server can be shared by two machines).
 *
 * @param pid         the owning process
 * @param startSecond its start time, epoch seconds (0 when the OS did not say)
 * @param host        the first 6 hex digits of SHA-256 of the owner's host name
 */
public record Owner(long pid, long startSecond, String host) {
    private static final Pattern FILE_TOKEN = Pattern.compile("(\\d+)-([0-9a-z]+)-([0-9a-f]{6})");
    private static final Pattern DB_TOKEN = Pattern.compile("([0-9a-z]+)_([0-9a-z]+)_([0-9a-f]{6})");
    /** Start times read from the OS at different moments may differ by rounding. */
    private static final long TOLERANCE_SECONDS = 2;

    /** What became of an owner. */
    public enum State {
        /** Still running on this host: its leftovers are work in progress and never touched. */
        LIVE,
        /** Gone (or its pid now belongs to another process): its leftovers may be removed. */
        GONE,
        /** Made on another host: this host cannot tell, so it is never touched. */
        OTHER_HOST
    }

    /** This process. */
    public static Owner me() {
        ProcessHandle self = ProcessHandle.current();
        return new Owner(self.pid(), self.info().startInstant().map(Instant::getEpochSecond).orElse(0L), hostTag());
    }

    /** The tag of this host (looked up once: the host name does not change under a running process). */
    public static String hostTag() {
        return HostTag.VALUE;
    }

    private static final class HostTag {
        static final String VALUE = compute();
    }

    private static String compute() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return HexFormat.of().formatHex(Hashing.sha256().digest(host.getBytes(StandardCharsets.UTF_8))).substring(0, 6);
    }

    /** {@code PID-START-HOST} (start in base 36), for file and directory names. */
    public String fileToken() {
        return pid + "-" + Long.toString(startSecond, 36) + "-" + host;
    }

    /** {@code PID_START_HOST} (pid and start in base 36), for database names (64 characters at most). */
    public String dbToken() {
        return Long.toString(pid, 36) + "_" + Long.toString(startSecond, 36) + "_" + host;
    }

    /** The owner a file token names, if it is one. */
    public static Optional<Owner> parseFileToken(String token) {
        Matcher m = FILE_TOKEN.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(Long.parseLong(m.group(1)), Long.parseLong(m.group(2), 36), m.group(3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The owner a database token names, if it is one. */
    public static Optional<Owner> parseDbToken(String token) {
        Matcher m = DB_TOKEN.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(Long.parseLong(m.group(1), 36), Long.parseLong(m.group(2), 36), m.group(3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the owner still runs. The pid alone is not enough: after a reboot or a wrap-around it
     * can belong to another process, whose start time then differs from the recorded one. When the
     * OS will not say when a process with this pid started, it is taken as alive: a leftover is only
     * removed when its owner is known to be gone.
     */
    public State state() {
        if (!host.equals(hostTag())) {
            return State.OTHER_HOST;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return State.GONE;
        }
        Optional<Instant> started = h.get().info().startInstant();
        if (started.isEmpty() || startSecond == 0) {
            return State.LIVE;
        }
        return Math.abs(started.get().getEpochSecond() - startSecond) <= TOLERANCE_SECONDS ? State.LIVE : State.GONE;
    }

    /**
     * For names written before owners carried a start time and host ({@code PREFIX-PID-RANDOM}): the
     * pid is taken as the owner only if it is a Java process of this user that started before the
     * leftover was made; anything else is a reused pid.
     */
    public static State legacyState(long pid, Instant leftoverTime) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return State.GONE;
        }
        ProcessHandle.Info info = h.get().info();
        if (info.startInstant().isEmpty() || info.command().isEmpty()) {
            return State.LIVE;
        }
        boolean java = info.command().get().endsWith("/java") || info.command().get().endsWith("preflight");
        boolean mine = info.user().map(u -> u.equals(System.getProperty("user.name"))).orElse(true);
        boolean before = !info.startInstant().get().isAfter(leftoverTime.plusSeconds(TOLERANCE_SECONDS));
        return java && mine && before ? State.LIVE : State.GONE;
    }

    /** {@code pid 42 (started 2026-01-05T01:30:00Z)}, for messages. */
    public String describe() {
        return "pid " + pid + (startSecond == 0 ? "" : " (started " + Instant.ofEpochSecond(startSecond) + ")");
    }
}
