package dev.preflight.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything a command may take from the outside world, injected so tests drive the CLI
 * in-process: writers, environment variables, clock, working directory, and whether stdout is a
 * terminal (colour and progress bars only then).
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock, Path cwd,
                         boolean interactive) {
    public CliContext {
        env = Map.copyOf(env);
    }

    /** The context of a real process. */
    public static CliContext system(PrintWriter out, PrintWriter err) {
        return new CliContext(out, err, System.getenv(), Clock.systemUTC(), Path.of("").toAbsolutePath(),
                System.console() != null);
    }
}
