package dev.preflight.audit;

import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs a tool's version probe through a {@link ProcessRunner} (local or a host's SSH session) and
 * parses the answer. An argv override (e.g. {@code /opt/php83/bin/php}) keeps the tool's parser.
 */
public final class Prober {
    private final Duration timeout;

    public Prober(Duration timeout) {
        this.timeout = timeout;
    }

    /** Probes a requirement: its argv override or the tool's default, read by its pattern or the tool's parser. */
    public ProbeResult probe(ProcessRunner runner, AuditModel.Requirement r) throws IOException, InterruptedException {
        return probe(runner, r.tool(), r.argv(), r.pattern());
    }

    public ProbeResult probe(ProcessRunner runner, Tool tool, List<String> argvOverride)
            throws IOException, InterruptedException {
        return probe(runner, tool, argvOverride, null);
    }

    /** Reads a server's answer ({@code SELECT VERSION()}, {@code INFO server}) with the requirement's rule. */
    public static ProbeResult read(AuditModel.Requirement r, String raw, String asked) {
        Optional<Parsed> p = r.pattern() != null ? Tool.parse(raw, r.pattern()) : r.tool().parse(raw);
        return p.<ProbeResult>map(x -> new ProbeResult.Found(x, raw))
                .orElseGet(() -> new ProbeResult.Unreadable("no version found in the answer to " + asked, raw));
    }

    /**
     * Probes several requirements of one host through {@link ProcessRunner#runAll} (over SSH: one
     * exec channel, one shell), results in requirement order.
     */
    public List<ProbeResult> probeAll(ProcessRunner runner, List<AuditModel.Requirement> reqs)
            throws IOException, InterruptedException {
        return probeAll(runner, reqs, new Duration[reqs.size()]);
    }

    /**
     * As {@link #probeAll(ProcessRunner, List)}, with each probe's own time into {@code times} (in a
     * batch: from the end of the previous probe's output to the end of its own; zero when nothing ran).
     */
    public List<ProbeResult> probeAll(ProcessRunner runner, List<AuditModel.Requirement> reqs, Duration[] times)
            throws IOException, InterruptedException {
        List<ProcessSpec> specs = new ArrayList<>();
        for (AuditModel.Requirement r : reqs) {
            List<String> argv = argv(r.tool(), r.argv());
            if (!argv.isEmpty()) {
                specs.add(spec(argv));
            }
        }
        List<ProcessResult> results = runner.runAll(specs);
        List<ProbeResult> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < reqs.size(); i++) {
            AuditModel.Requirement r = reqs.get(i);
            List<String> argv = argv(r.tool(), r.argv());
            if (argv.isEmpty()) {
                times[i] = Duration.ZERO;
                out.add(noProbe(r.tool()));
            } else {
                ProcessResult pr = results.get(next++);
                times[i] = pr.elapsed() == null ? Duration.ZERO : pr.elapsed();
                out.add(read(r.tool(), argv, r.pattern(), pr));
            }
        }
        return out;
    }

    private static List<String> argv(Tool tool, List<String> argvOverride) {
        return argvOverride == null || argvOverride.isEmpty() ? tool.defaultArgv() : argvOverride;
    }

    private ProcessSpec spec(List<String> argv) {
        return ProcessSpec.of(argv).withTimeout(timeout).withCaptureLimit(1 << 16);
    }

    private static ProbeResult noProbe(Tool tool) {
        return new ProbeResult.Unreadable(tool.id() + " is probed through a server connection, "
                + "and none is configured", "");
    }

    private ProbeResult probe(ProcessRunner runner, Tool tool, List<String> argvOverride, Pattern pattern)
            throws IOException, InterruptedException {
        List<String> argv = argv(tool, argvOverride);
        if (argv.isEmpty()) {
            return noProbe(tool);
        }
        return read(tool, argv, pattern, runner.run(spec(argv)));
    }

    private ProbeResult read(Tool tool, List<String> argv, Pattern pattern, ProcessResult r) {
        String raw = (r.stdout() + (r.stderr().isEmpty() ? "" : (r.stdout().isEmpty() ? "" : "\n") + r.stderr())).strip();
        if (r.notFound()) {
            return new ProbeResult.NotInstalled(argv.get(0), raw);
        }
        if (r.timedOut()) {
            return new ProbeResult.Unreadable("'" + String.join(" ", argv) + "' timed out after "
                    + timeout.toSeconds() + " s", raw);
        }
        Optional<Parsed> p = pattern != null ? Tool.parse(raw, pattern) : tool.parse(raw);
        if (p.isPresent()) {
            return new ProbeResult.Found(p.get(), raw);
        }
        return new ProbeResult.Unreadable("no version found in the output of '" + String.join(" ", argv)
                + "' (exit " + r.exitCode() + ")", raw);
    }
}
