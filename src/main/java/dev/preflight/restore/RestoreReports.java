package dev.preflight.restore;

import dev.preflight.report.Style;
import java.util.List;

/** The former name of {@link RestoreReport}, kept for its callers (the golden test renders through it). */
public final class RestoreReports {
    private RestoreReports() {
    }

    /** {@link RestoreReport#TEST} as text or JSON. */
    public static String render(List<RestoreResult> results, boolean json, Style st) {
        RestoreRun run = new RestoreRun(results);
        return json ? RestoreReport.TEST.json(run) : RestoreReport.TEST.text(run, st);
    }
}
