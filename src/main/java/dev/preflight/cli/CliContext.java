package dev.preflight.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything a command may take from the outside world, injected so tests drive the CLI
 * in-process: writers, environment variables, clock, working directory, whether stdout is a
 * terminal (colour only then) and whether stderr is one (a live progress line then; plain
 * timestamped progress lines otherwise).
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock, Path cwd,
                         boolean interactive, boolean errTerminal) {
    public CliContext {
        env = Map.copyOf(env);
    }

    /** A context whose stderr is a terminal exactly when stdout is one. */
    public CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock, Path cwd,
                      boolean interactive) {
        this(out, err, env, clock, cwd, interactive, interactive);
    }

    /**
     * The same context writing through {@link ShownWriter}: whatever a command prints, foreign
     * control characters in it are shown, not obeyed ({@link dev.preflight.report.Visible#stream}).
     */
    CliContext shown() {
        return new CliContext(ShownWriter.of(out), ShownWriter.of(err), env, clock, cwd, interactive, errTerminal);
    }

    /** The context of a real process. */
    public static CliContext system(PrintWriter out, PrintWriter err) {
        return new CliContext(out, err, System.getenv(), Clock.systemUTC(), Path.of("").toAbsolutePath(),
                System.console() != null, isTerminal(2));
    }

    /**
     * Whether a file descriptor of this process is a terminal. Java has no isatty for stderr; on
     * Linux (the only platform a release supports) /proc names the device a descriptor points at.
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
