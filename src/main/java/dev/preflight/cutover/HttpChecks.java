package dev.preflight.cutover;

import static dev.preflight.report.Durations.millis;

import dev.preflight.cutover.CutoverEvidence.CheckRow;
import dev.preflight.cutover.CutoverEvidence.Checks;
import dev.preflight.cutover.HttpProbe.CheckResult;
import dev.preflight.exec.HttpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The HTTP checks steps run (health, smoke), as one result, and how an HTTP check reads in a plan. */
final class HttpChecks {
    private HttpChecks() {
    }

    /** Runs every check; passed when all passed, with a row per check in the details. */
    static StepResult run(HttpProbe http, String what, List<HttpCheck> checks) {
        List<CheckRow> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (HttpCheck c : checks) {
            CheckResult r = http.check(c);
            rows.add(new CheckRow(r.name(), r.url(), r.passed(), r.detail()));
            if (!r.passed()) {
                failed.add(r.name() + ": " + r.detail());
            }
        }
        Checks d = new Checks(List.copyOf(rows));
        return failed.isEmpty() ? StepResult.passed(checks.size() + " " + what + " check(s) passed", d)
                : StepResult.failed(failed.size() + " of " + checks.size() + " " + what + " check(s) failed: "
                        + String.join("; ", failed), d);
    }

    /** A side's health URL as a check: 200 within 5 s. */
    static HttpCheck health(CutoverPlan.Side s) {
        return new HttpCheck(s.name() + " health", s.healthUrl(), 200, Duration.ofSeconds(5), null);
    }

    /** How a check reads in a plan: {@code GET url -> 200 within 5000 ms, containing 'x'}. */
    static String describe(HttpCheck c) {
        return "GET " + c.url() + " -> " + c.status() + " within " + millis(c.maxLatency())
                + (c.contains() == null ? "" : ", containing '" + c.contains() + "'");
    }
}
