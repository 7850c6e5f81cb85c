package dev.preflight.flags;

import java.util.List;

/**
 * The result of {@code flags validate}: every environment's file, the source scan and every
 * problem found, errors and warnings.
 *
 * @param scannedDir  the application directory scanned, null when none was
 * @param sourceFiles PHP files read by the scan
 */
public record FlagReport(String project, List<EnvSnapshot> environments, String scannedDir, int sourceFiles,
                         int flags, List<FlagProblem> problems) {
    public FlagReport {
        environments = List.copyOf(environments);
        problems = List.copyOf(problems);
    }

    public long errors() {
        return problems.stream().filter(FlagProblem::isError).count();
    }

    public long warnings() {
        return problems.size() - errors();
    }

    /** 0 when nothing is wrong (warnings allowed), 1 on any error. */
    public int exitCode() {
        return errors() > 0 ? 1 : 0;
    }
}
