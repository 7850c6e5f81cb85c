package dev.preflight.deps;

import dev.preflight.audit.Constraint;
import dev.preflight.audit.ProbeResult;
import dev.preflight.audit.Prober;
import dev.preflight.audit.Tool;
import dev.preflight.core.Errors;
import dev.preflight.deps.DepsResult.FlutterHost;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.ProcessRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Flutter SDK on each build agent (runbook §3.2: "Flutter SDK verified via flutter --version on
 * macOS and Linux build agents"), through the audit's own probe ({@code flutter --version
 * --machine}) and, when a version is required, the audit's constraint language (tool versions, not
 * package ranges). A host that cannot be reached, or has no Flutter, is never reported as ok.
 */
public final class FlutterCheck {
    private FlutterCheck() {
    }

    /** One agent to check. */
    public record Agent(String environment, String name, HostUri uri) {
    }

    public static List<FlutterHost> run(HostConnector connector, Prober prober, List<Agent> agents, Constraint version)
            throws InterruptedException {
        List<FlutterHost> out = new ArrayList<>();
        for (Agent a : agents) {
            try (ProcessRunner runner = connector.connect(a.uri())) {
                ProbeResult p = prober.probe(runner, Tool.FLUTTER, null);
                if (p instanceof ProbeResult.Found f) {
                    String v = f.parsed().version().raw();
                    if (version == null || version.test(f.parsed().version())) {
                        out.add(new FlutterHost(a.environment(), a.name(), "ok", v,
                                version == null ? "found" : "satisfies " + version.text()));
                    } else {
                        out.add(new FlutterHost(a.environment(), a.name(), "failed", v, "does not satisfy " + version.text()));
                    }
                } else if (p instanceof ProbeResult.NotInstalled n) {
                    out.add(new FlutterHost(a.environment(), a.name(), "not-installed", null, n.program() + " is not installed"));
                } else if (p instanceof ProbeResult.Unreadable u) {
                    out.add(new FlutterHost(a.environment(), a.name(), "unreadable", null, u.reason()));
                }
            } catch (IOException e) {
                out.add(new FlutterHost(a.environment(), a.name(), "unreachable", null,
                        Errors.describe(e)));
            }
        }
        return out;
    }
}
