package dev.preflight.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several remote command lines sent as one, for {@link SshProcessRunner#runAll}: each runs in turn
 * with stdin from /dev/null and stderr merged into stdout, and is followed by a line with this
 * batch's random marker and its exit status, which is how the output is split back per command.
 *
 * @param marker   a token unlikely to appear in a program's output (random per batch)
 * @param commands the command lines, already quoted for the remote shell
 */
public record ProbeBatch(String marker, List<String> commands) {
    private static final Pattern PIECE = Pattern.compile(
            "\\{ (.*?); } </dev/null 2>&1; printf '\\\\n%s %d\\\\n' (preflight-[0-9a-f]{16}) \"\\$\\?\"; ?");

    public ProbeBatch {
        commands = List.copyOf(commands);
    }

    /** A batch of the given command lines with a fresh marker. */
    public static ProbeBatch of(List<String> commands) {
        return new ProbeBatch("preflight-%016x".formatted(ThreadLocalRandom.current().nextLong()), commands);
    }

    /** The one command line the host's shell runs. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder();
        for (String c : commands) {
            sb.append(sb.isEmpty() ? "" : " ").append("{ ").append(c).append("; } </dev/null 2>&1; printf '\\n%s %d\\n' ").append(marker)
                    .append(" \"$?\";");
        }
        return sb.toString();
    }

    /** One command's share of the output: its exit status and what it printed (stdout and stderr). */
    public record Piece(int exitCode, String output) {
    }

    /** Splits the batch's output; fewer pieces than commands when it was cut short (timeout, hang-up). */
    public List<Piece> split(String stdout) {
        List<Piece> out = new ArrayList<>();
        Matcher m = Pattern.compile("\n" + Pattern.quote(marker) + " (\\d+)\n").matcher(stdout);
        int from = 0;
        while (m.find() && out.size() < commands.size()) {
            out.add(new Piece(Integer.parseInt(m.group(1)), stdout.substring(from, m.start())));
            from = m.end();
        }
        return out;
    }

    /**
     * Reads a command line made by {@link #commandLine()} back (for test hosts that answer from
     * recordings); SSH servers may trim its trailing blank.
     */
    public static Optional<ProbeBatch> parse(String commandLine) {
        Matcher m = PIECE.matcher(commandLine);
        List<String> commands = new ArrayList<>();
        String marker = null;
        int at = 0;
        while (m.find() && m.start() == at) {
            if (marker != null && !marker.equals(m.group(2))) {
                return Optional.empty();
            }
            marker = m.group(2);
            commands.add(m.group(1));
            at = m.end();
        }
        return marker == null || at != commandLine.length() ? Optional.empty() : Optional.of(new ProbeBatch(marker, commands));
    }
}
