package dev.preflight.deps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.deps.DepsReport.ReviewJson;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The ledger kind the dependency review records and its typed payloads, written and read only
 * here: no other class of the package spells the kind or a payload field.
 */
public final class DepsEvidence {
    /** A dependency review (with the JSON report attached); the risk register's {@code deps} evidence. */
    public static final String KIND = EvidenceKind.DEPS.id();

    private DepsEvidence() {
    }

    /**
     * The payload of a review entry.
     *
     * @param exitCode the review's exit code (kept in the payload: readers of older ledgers use it)
     * @param inputs   the SHA-256 of each file the review reads ({@link #inputs}), taken before it read
     *                 them, which an expectation compares with the files as they are now; absent in
     *                 entries recorded before it was kept
     */
    public record Review(String dir, Map<String, String> targets, long blockers, long warnings, int exitCode,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> inputs) {
        static Review of(DepsResult r, Map<String, String> inputs) {
            return new Review(r.dir(), r.targets(), r.count(Severity.BLOCKER), r.count(Severity.WARNING), r.exitCode(),
                    inputs);
        }

        /** The directory a review entry's payload says was reviewed, or {@code ?} when it says none. */
        public static String dir(JsonNode payload) {
            return payload.path("dir").asText("?");
        }

        /** The targets a review entry's payload says it reviewed against (empty when it says none). */
        static Map<String, String> targets(JsonNode payload) {
            return strings(payload.path("targets"));
        }

        /** The inputs a review entry's payload records, or null when it records none. */
        static Map<String, String> inputs(JsonNode payload) {
            return payload.path("inputs").isObject() ? strings(payload.path("inputs")) : null;
        }

        private static Map<String, String> strings(JsonNode object) {
            Map<String, String> out = new TreeMap<>();
            object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
            return out;
        }
    }

    /**
     * The SHA-256 of every file a review of {@code dir} reads (composer.json, composer.lock,
     * package.json, package-lock.json, npm-shrinkwrap.json when present, and the Packagist metadata files), {@code missing} for one that
     * is not there and {@code unreadable} for one that cannot be read, by name.
     */
    static Map<String, String> inputs(Path dir, List<Path> metadata) {
        Map<String, String> out = new TreeMap<>();
        for (String f : List.of("composer.json", "composer.lock", "package.json", "package-lock.json")) {
            out.put(f, sha256(dir.resolve(f)));
        }
        // Only when present, so reviews recorded before it was read still compare equal while there is none;
        // one appearing (npm then installs from it, not package-lock.json) makes them outdated.
        if (Files.exists(dir.resolve(NpmAnalysis.SHRINKWRAP), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            out.put(NpmAnalysis.SHRINKWRAP, sha256(dir.resolve(NpmAnalysis.SHRINKWRAP)));
        }
        for (Path m : metadata) {
            out.put("metadata " + m, sha256(m));
        }
        return out;
    }

    private static String sha256(Path file) {
        if (!Files.exists(file)) {
            return "missing";
        }
        try {
            return Hashing.sha256Hex(file);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The payload of a review that could not be made (recorded with outcome error). */
    public record Failure(String error) {
    }

    /**
     * The review a {@link #KIND} entry's attachment holds (the JSON of {@link DepsReport#REVIEW}), read
     * leniently ({@link Json#readLenient}: unknown fields skipped, severities in any case); an attachment that cannot
     * be read gives an empty review (no target, no finding), never an exception.
     */
    public static ReviewJson review(JsonNode attachment) {
        return Json.readLenient(attachment, ReviewJson.class).orElseGet(ReviewJson::empty);
    }

    /** Appends the review with the JSON report attached; its outcome is the review's verdict. */
    public static LedgerEntry record(Ledger ledger, String subject, DepsResult r) {
        return record(ledger, subject, r, null);
    }

    /**
     * Appends the review with the JSON report attached and the {@link #inputs} it read; its outcome
     * is the review's verdict.
     */
    static LedgerEntry record(Ledger ledger, String subject, DepsResult r, Map<String, String> inputs) {
        String json = DepsReport.REVIEW.json(r);
        String name = "deps-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID() + ".json";
        return ledger.append(NewEntry.of(KIND, subject, Outcome.of(r.verdict()), r.label() + ": " + r.summary(),
                        Review.of(r, inputs))
                .withAttachments(List.of(new NewEntry.Attachment(name, "application/json",
                        json.getBytes(StandardCharsets.UTF_8)))));
    }

    /** Appends a review that could not be made: it was not checked. */
    public static LedgerEntry recordError(Ledger ledger, String subject, String message) {
        return ledger.append(NewEntry.of(KIND, subject, Outcome.ERROR, message, new Failure(message)));
    }
}
