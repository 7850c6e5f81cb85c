package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Check;
import dev.preflight.audit.AuditModel.HostReport;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.report.Durations;
import dev.preflight.report.Html;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** The audit as JUnit XML, the format CI pages read ({@code preflight audit --format junit}). */
final class AuditJunit {
    private AuditJunit() {
    }

    /**
     * JUnit XML as the Apache Ant JUnit schema defines it (the format CI tools read): one suite per
     * host with when it ran, where, how long, its properties and every probe's raw output in
     * {@code <system-out>} (the schema has no per-case output); one case per requirement with its probe
     * time, and a failure or error {@code type} a CI page can group by.
     */
    static String render(Report r) {
        Instant fallback = Instant.now();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        int id = 0;
        Map<String, String> unverified = new HashMap<>();
        for (int i = 0; i < r.unverified().size(); i++) {
            unverified.put(r.unverified().get(i), r.unverifiedLines().get(i));
        }
        for (HostReport h : r.hosts()) {
            String suite = h.host().qualifiedName();
            String classname = "preflight.audit." + h.host().environment() + "." + h.host().name();
            // An environment where no requirement applied verified nothing: one failed case per host, as
            // a suite of no tests reads as green on a CI page while the audit failed.
            String nothing = unverified.get(h.host().environment());
            long fails = h.checks().stream().filter(c -> c instanceof Check.Failed).count() + (nothing != null ? 1 : 0);
            long errors = h.unreachable() != null ? 1 : h.checks().stream().filter(c -> c instanceof Check.ProbeError).count();
            int tests = h.unreachable() != null ? 1 : h.checks().size() + (nothing != null ? 1 : 0);
            Instant started = h.timing().started() != null ? h.timing().started() : fallback;
            sb.append("  <testsuite name=\"").append(Html.esc(suite)).append("\" package=\"preflight.audit.")
                    .append(Html.esc(h.host().environment())).append("\" id=\"").append(id++).append("\" timestamp=\"")
                    .append(JUNIT_TIME.format(started.truncatedTo(ChronoUnit.SECONDS))).append("\" hostname=\"")
                    .append(Html.esc(hostname(h.host()))).append("\" tests=\"").append(tests).append("\" failures=\"")
                    .append(fails).append("\" errors=\"").append(errors).append("\" skipped=\"0\" time=\"")
                    .append(Durations.secondsWithMillis(h.timing().total())).append("\">\n    <properties>\n");
            property(sb, "environment", h.host().environment());
            property(sb, "host", h.host().name());
            property(sb, "uri", h.host().server() != null ? h.host().server().toString() : h.host().uri().toString());
            if (!h.host().tags().isEmpty()) {
                property(sb, "tags", String.join(",", h.host().tags()));
            }
            property(sb, "result", h.unreachable() != null ? "unreachable" : nothing != null ? "unverified"
                    : fails > 0 ? "failed"
                    : errors > 0 ? "error" : "passed");
            if (h.unreachable() == null && !h.checks().isEmpty() && h.timing().perCheck().isEmpty()) {
                // Only the sum was measured: a case's time of 0 must not read as a measured instant probe.
                property(sb, "probe_times", "not measured per probe: the suite time covers them all");
            } else if (h.unreachable() == null && !h.checks().isEmpty() && h.host().server() == null
                    && !h.host().uri().isLocal()) {
                // A remote host's probes run one after another in one exec channel: say how a case's
                // time was taken, since it is not a process's own run time.
                property(sb, "probe_times", "measured here, per probe: from the end of the previous probe's output "
                        + "to the end of its own (one batch over one SSH channel)");
            }
            sb.append("    </properties>\n");
            StringBuilder out = new StringBuilder();
            if (h.unreachable() != null) {
                sb.append("    <testcase classname=\"").append(Html.esc(classname)).append("\" name=\"reachable\" time=\"")
                        .append(Durations.secondsWithMillis(h.timing().total())).append("\">\n      <error type=\"Unreachable\" message=\"")
                        .append(Html.esc(h.unreachable())).append("\">").append(Html.esc(h.unreachable()))
                        .append("</error>\n    </testcase>\n");
                out.append("unreachable: ").append(h.unreachable()).append(" (nothing was checked on this host)\n");
            }
            if (nothing != null) {
                sb.append("    <testcase classname=\"").append(Html.esc(classname))
                        .append("\" name=\"requirements apply\" time=\"0.000\">\n      <failure type=\"Unverified\" message=\"")
                        .append(Html.esc(nothing)).append("\">").append(Html.esc(nothing))
                        .append("</failure>\n    </testcase>\n");
                out.append("unverified: ").append(nothing).append('\n');
            }
            for (int i = 0; i < h.checks().size(); i++) {
                Check c = h.checks().get(i);
                String time = Durations.secondsWithMillis(h.timing().of(i));
                sb.append("    <testcase classname=\"").append(Html.esc(classname)).append("\" name=\"")
                        .append(Html.esc(c.requirement().label())).append("\" time=\"").append(time).append("\"");
                if (c instanceof Check.Passed || c instanceof Check.Waived) {
                    // The Ant schema has no warning: a waived failure passes and says so in the output.
                    sb.append("/>\n");
                } else {
                    String tag = c instanceof Check.Failed ? "failure" : "error";
                    String body = c.reason() + (c.found().isEmpty() ? "" : "\nfound: " + c.found())
                            + "\nrequired: " + c.requirement().constraint().text()
                            + (c.requirement().flavor() == null ? "" : " (" + c.requirement().flavor() + ")");
                    sb.append(">\n      <").append(tag).append(" type=\"").append(failureType(c)).append("\" message=\"")
                            .append(Html.esc(c.reason())).append("\">").append(Html.esc(body)).append("</").append(tag)
                            .append(">\n    </testcase>\n");
                }
                out.append("== ").append(c.requirement().label()).append(" (").append(time).append(" s): ")
                        .append(c instanceof Check.Passed ? "passed" : c instanceof Check.Failed ? "FAILED"
                                : c instanceof Check.Waived ? "WAIVED" : "ERROR");
                if (c.reason() != null) {
                    out.append(": ").append(c.reason());
                }
                out.append('\n');
                ProbeResult p = c.probe();
                if (p instanceof ProbeResult.Found f) {
                    out.append("read by rule: ").append(f.parsed().rule()).append('\n');
                }
                if (p != null && p.raw() != null && !p.raw().isEmpty()) {
                    out.append(p.raw().endsWith("\n") ? p.raw() : p.raw() + "\n");
                } else {
                    out.append("(no output)\n");
                }
            }
            sb.append("    <system-out>").append(Html.esc(out.toString())).append("</system-out>\n")
                    .append("    <system-err></system-err>\n  </testsuite>\n");
        }
        return sb.append("</testsuites>\n").toString();
    }

    /** The schema's timestamp: ISO 8601 to the second, no zone (we write UTC). */
    private static final DateTimeFormatter JUNIT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private static void property(StringBuilder sb, String name, String value) {
        sb.append("      <property name=\"").append(Html.esc(name)).append("\" value=\"").append(Html.esc(value)).append("\"/>\n");
    }

    /** A stable name for what went wrong, for CI pages that group failures by type. */
    private static String failureType(Check c) {
        if (c instanceof Check.Failed) {
            if (c.probe() instanceof ProbeResult.NotInstalled) {
                return "NotInstalled";
            }
            return c.reason() != null && c.reason().startsWith("flavor ") ? "FlavorMismatch" : "VersionMismatch";
        }
        return c.probe() instanceof ProbeResult.Unreadable ? "UnreadableVersion" : "ProbeFailed";
    }

    /** Where the probes ran: the SSH host, the server's host, or this machine for local probes. */
    private static String hostname(AuditModel.Host h) {
        if (h.server() != null) {
            return h.server().endpoint().host();
        }
        if (!h.uri().isLocal() && h.uri().host() != null) {
            return h.uri().host();
        }
        return LocalHost.NAME;
    }

    /** This machine's name, looked up once and only when a local host is reported. */
    private static final class LocalHost {
        static final String NAME = lookup();

        private static String lookup() {
            try {
                String n = InetAddress.getLocalHost().getHostName();
                return n == null || n.isBlank() ? "localhost" : n;
            } catch (IOException e) {
                return "localhost";
            }
        }
    }
}
