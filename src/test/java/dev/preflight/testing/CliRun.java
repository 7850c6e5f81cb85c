package dev.preflight.testing;

import dev.preflight.cli.Cli;
import dev.preflight.cli.CliContext;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * One in-process run of the CLI through the same factory as {@code main}, with what it printed
 * and its exit code, so tests assert on text and code together.
 */
public record CliRun(int code, String out, String err) {
    /** The clock CLI tests run at unless they need another. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    public static CliRun of(Path cwd, Map<String, String> env, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), env, clock, cwd, false), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Everything printed, stdout then stderr, for assertion messages. */
    public String all() {
        return out + err;
    }
}
