package dev.preflight.deps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.deps.DepsReport.ReviewJson;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
     */
    public record Review(String dir, Map<String, String> targets, long blockers, long warnings, int exitCode) {
        static Review of(DepsResult r) {
            return new Review(r.dir(), r.targets(), r.count(Severity.BLOCKER), r.count(Severity.WARNING), r.exitCode());
        }

        /** The directory a review entry's payload says was reviewed, or {@code ?} when it says none. */
        public static String dir(JsonNode payload) {
            return payload.path("dir").asText("?");
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
        String json = DepsReport.REVIEW.json(r);
        String name = "deps-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID() + ".json";
        return ledger.append(NewEntry.of(KIND, subject, Outcome.of(r.verdict()), r.label() + ": " + r.summary(),
                        Review.of(r))
                .withAttachments(List.of(new NewEntry.Attachment(name, "application/json",
                        json.getBytes(StandardCharsets.UTF_8)))));
    }

    /** Appends a review that could not be made: it was not checked. */
    public static LedgerEntry recordError(Ledger ledger, String subject, String message) {
        return ledger.append(NewEntry.of(KIND, subject, Outcome.ERROR, message, new Failure(message)));
    }
}
