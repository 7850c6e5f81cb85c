package dev.preflight.audit;

import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs a tool's version probe through a {@link ProcessRunner} (local or a host's SSH session) and
 * parses the answer. An argv override (e.g. {@code /opt/php83/bin/php}) keeps the tool's parser.
 */
public final class Prober {
    private final Duration timeout;

    public Prober(Duration timeout) {
        this.timeout = timeout;
    }

    public ProbeResult probe(ProcessRunner runner, Tool tool, List<String> argvOverride)
            throws IOException, InterruptedException {
        List<String> argv = argvOverride == null || argvOverride.isEmpty() ? tool.defaultArgv() : argvOverride;
        if (argv.isEmpty()) {
            return new ProbeResult.Unreadable(tool.id() + " is probed through a server connection, "
                    + "and none is configured", "");
        }
        ProcessResult r = runner.run(ProcessSpec.of(argv).withTimeout(timeout).withCaptureLimit(1 << 16));
        String raw = (r.stdout() + (r.stderr().isEmpty() ? "" : (r.stdout().isEmpty() ? "" : "\n") + r.stderr())).strip();
        if (r.notFound()) {
            return new ProbeResult.NotInstalled(argv.get(0), raw);
        }
        if (r.timedOut()) {
            return new ProbeResult.Unreadable("'" + String.join(" ", argv) + "' timed out after "
                    + timeout.toSeconds() + " s", raw);
        }
        Optional<Parsed> p = tool.parse(raw);
        if (p.isPresent()) {
            return new ProbeResult.Found(p.get(), raw);
        }
        return new ProbeResult.Unreadable("no version found in the output of '" + String.join(" ", argv)
                + "' (exit " + r.exitCode() + ")", raw);
    }
}
