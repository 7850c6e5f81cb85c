package dev.preflight.core;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Who holds (or asks for) a lock: user@host, process id, since when, and the command, so that a
 * refused second run can name the first.
 *
 * @param who     {@code user@host}
 * @param pid     the holding process
 * @param since   when it took the lock
 * @param command what it runs ({@code cutover start}), or null
 */
public record LockHolder(String who, long pid, Instant since, String command) {
    /** This process, now. */
    public static LockHolder me(Instant since, String command) {
        return new LockHolder(whoAmI(), ProcessHandle.current().pid(), since, command);
    }

    /** {@code user@host} of this process. */
    public static String whoAmI() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }

    /** One line, as written into a lock file and shown in a refusal: {@code root@bastion pid 42 since T (cutover start)}. */
    public String line() {
        return who + " pid " + pid + " since " + since.truncatedTo(ChronoUnit.SECONDS)
                + (command == null || command.isEmpty() ? "" : " (preflight " + command + ")");
    }
}
