package dev.preflight.flags;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.preflight.core.Verdict;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@code flags validate}: every environment's file, the source scan and every
 * problem found, errors and warnings.
 *
 * @param scannedDir  the application directory scanned, null when none was
 * @param sourceFiles PHP files read by the scan
 * @param sourceDir   the application directory scanned, absolute, null when none was
 * @param sourceFlags the flags the scanned source reads, sorted, null when no source was scanned
 */
public record FlagsValidation(String project, List<EnvSnapshot> environments, String scannedDir, int sourceFiles,
                              int flags, List<FlagProblem> problems, @JsonIgnore Path sourceDir,
                              @JsonIgnore List<String> sourceFlags) {
    public FlagsValidation {
        environments = List.copyOf(environments);
        problems = List.copyOf(problems);
        sourceFlags = sourceFlags == null ? null : List.copyOf(sourceFlags);
    }

    public long errors() {
        return problems.stream().filter(FlagProblem::isError).count();
    }

    public long warnings() {
        return problems.size() - errors();
    }

    /** Failed on any error; warnings when only warnings; passed otherwise. */
    public Verdict verdict() {
        return errors() > 0 ? Verdict.FAILED : warnings() > 0 ? Verdict.WARNINGS : Verdict.PASSED;
    }

    /** One line: what was checked and how it ended. */
    @JsonIgnore
    public String summary() {
        return flags + " flag(s) in " + environments.size() + " file(s), " + sourceFiles
                + " PHP file(s) scanned: " + errors() + " error(s), " + warnings() + " warning(s)";
    }
}
