package dev.preflight.deps;

import dev.preflight.core.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code deps}: the whole review of one project directory, with the findings, what
 * was skipped and why, npm outdated and Flutter per host.
 *
 * @param targets what the upgrade moves to, as given ({@code php=8.3}) and as read ({@code 8.3.*})
 * @param notes   checks that were skipped and why, and other facts the reader needs
 */
public record DepsResult(String dir, Map<String, String> targets, List<Finding> findings, List<String> notes,
                         List<Outdated> outdated, List<FlutterHost> flutter) {
    public DepsResult {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
        outdated = List.copyOf(outdated);
        flutter = List.copyOf(flutter);
    }

    /** How much a finding stands in the way of the upgrade. */
    public enum Severity {
        /** The target cannot be installed while this holds. */
        BLOCKER,
        /** Only part of the target range is allowed, or something hides the real picture. */
        WARNING,
        /** Worth knowing (a co-upgrade the target pulls along); not a problem by itself. */
        INFO
    }

    /**
     * One thing the review found.
     *
     * @param ecosystem      {@code composer}, {@code npm} or {@code flutter}
     * @param kind           {@code requires}, {@code conflict}, {@code php}, {@code platform}, {@code forward},
     *                       {@code upgrade}, {@code engines}, {@code flutter}
     * @param subject        the package (or {@code root}, or a host) the finding is about: the one to change
     * @param subjectVersion its locked version, or null
     * @param target         the target it is measured against ({@code laravel/framework 11.*})
     * @param chain          why the subject is installed and what it requires ({@code root → a 1.0 → b ^2})
     * @param devOnly        the subject is only installed for development ({@code packages-dev}, {@code require-dev})
     * @param fix            the lowest version of the subject that would allow the target, when known
     */
    public record Finding(Severity severity, String ecosystem, String kind, String subject, String subjectVersion,
                          String target, List<String> chain, boolean devOnly, String message, String fix) {
        public Finding {
            chain = chain == null ? List.of() : List.copyOf(chain);
        }

        /** The same finding with a fix. */
        public Finding withFix(String f) {
            return new Finding(severity, ecosystem, kind, subject, subjectVersion, target, chain, devOnly, message, f);
        }
    }

    /** One line of {@code npm outdated --json}. */
    public record Outdated(String name, String current, String wanted, String latest, String location) {
    }

    /** The Flutter SDK on one build agent: {@code status} is ok, failed, not-installed, unreadable or unreachable. */
    public record FlutterHost(String environment, String host, String status, String version, String detail) {
        /** The host could not be checked (as opposed to checked and failed). */
        public boolean problem() {
            return !status.equals("ok") && !status.equals("failed");
        }
    }

    public long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    /**
     * Failed when anything blocks; incomplete when a Flutter host could not be checked or something
     * could not be read and so was not checked (an {@link #UNPARSED} finding: a constraint, a locked
     * version, an engines.node that is not a range); warnings; or passed. What was not checked is never clear.
     */
    public Verdict verdict() {
        if (count(Severity.BLOCKER) > 0) {
            return Verdict.FAILED;
        }
        if (flutter.stream().anyMatch(FlutterHost::problem) || findings.stream().anyMatch(f -> UNPARSED.equals(f.kind()))) {
            return Verdict.INCOMPLETE;
        }
        return count(Severity.WARNING) > 0 ? Verdict.WARNINGS : Verdict.PASSED;
    }

    /** The finding kind of something the review could not read, and so did not check. */
    public static final String UNPARSED = "unparsed";

    /** The exit code of the verdict: 1 when anything blocks, 3 when something could not be checked, else 0. */
    public int exitCode() {
        return verdict().exitCode().code();
    }

    /** The review's own word for its verdict: {@code CLEAR}, {@code CLEAR WITH WARNINGS}, {@code BLOCKED}, ... */
    public String label() {
        return switch (verdict()) {
            case PASSED -> "CLEAR";
            case WARNINGS -> "CLEAR WITH WARNINGS";
            case FAILED -> "BLOCKED";
            case INCOMPLETE -> "NOT FULLY CHECKED";
        };
    }

    /** One line: counts per severity. */
    public String summary() {
        return count(Severity.BLOCKER) + " blocker(s), " + count(Severity.WARNING) + " warning(s), "
                + count(Severity.INFO) + " note(s)" + (flutter.isEmpty() ? "" : ", " + flutter.size() + " Flutter host(s)");
    }

    /** How {@code preflight run} sums the review up: its verdict's word, then the counts. */
    public String sectionSummary() {
        return switch (verdict()) {
            case PASSED, WARNINGS -> label() + ": " + summary();
            case FAILED -> "blocked: " + summary();
            case INCOMPLETE -> "not fully checked: " + summary();
        };
    }

    /** One line per blocker (and unchecked Flutter host), for NO-GO reasons. */
    public List<String> reasons() {
        List<String> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.severity() == Severity.BLOCKER) {
                out.add(f.subject() + (f.devOnly() ? " (dev-only)" : "") + ": " + f.message());
            }
        }
        flutter.stream().filter(FlutterHost::problem)
                .forEach(h -> out.add("flutter " + h.environment() + "/" + h.host() + " " + h.status() + ": " + h.detail()));
        return out;
    }
}
