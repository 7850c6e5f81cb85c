package dev.preflight.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One piece of evidence a configured section requires on record before the verdict can be GO: the
 * evidence of ledger {@code kind} about {@code subject} (and, when {@code aspect} is set, about that
 * one part of it, such as one destination of a backup) must have passed within {@code maxAge}.
 * Each section says what its configuration requires ({@link Section#expectations}); the
 * the readiness verdict ({@code readiness.GoNoGo}) looks each one up with its {@link Finder}.
 *
 * @param section    the section that requires it ({@code backups}, {@code audit}, ...)
 * @param kind       the ledger kind that records it (the kind a missing entry is reported as)
 * @param subject    the ledger subject it must be about
 * @param aspect     the part of the subject it must cover ({@code copy in onprem}), or null
 * @param maxAge     how old the passing evidence may be
 * @param recordedBy the command that records it, for the "run ..." hint
 * @param finder     how the speaking entry is found and judged
 * @param judge      how the owner judges a given entry about {@code subject} (one a reader found
 *                   itself, such as a risk control's newest evidence), or null: judged by its outcome,
 *                   and only entries of {@code kind}
 */
public record Expected(String section, String kind, String subject, String aspect, Duration maxAge,
                       String recordedBy, Finder finder, Judge judge) {
    public Expected {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(finder, "finder");
    }

    /** An expectation whose entries are judged by their outcome only. */
    public Expected(String section, String kind, String subject, String aspect, Duration maxAge, String recordedBy,
                    Finder finder) {
        this(section, kind, subject, aspect, maxAge, recordedBy, finder, null);
    }

    /** Finds the entry that speaks for an expectation now (normally the newest of its kind and subject). */
    @FunctionalInterface
    public interface Finder {
        Optional<Found> find(Ledger ledger);
    }

    /**
     * How the owner judges one given entry against the plan as it is now: the same judgement its
     * finder applies to the entry it finds, so a reader that finds its own entry (a risk control's
     * newest evidence) never copies the comparison.
     */
    @FunctionalInterface
    public interface Judge {
        /** How {@code entry} stands for the expectation; null when it is not evidence it judges (another kind). */
        Found judge(Ledger ledger, LedgerEntry entry);
    }

    /** How the speaking entry stands for this expectation. */
    public enum Status {
        /** It passed and covers what is expected (its age is judged by the verdict). */
        PASSED,
        /** It failed, or it does not cover what is expected. */
        FAILED,
        /** It passed, but what it vouched for has changed since (a file edited after validation). */
        OUTDATED
    }

    /**
     * The entry found, how it stands, and why when it is not a pass.
     *
     * @param detail     the problem for {@code FAILED}/{@code OUTDATED} (null means the entry's summary)
     * @param validUntil a pass that vouches only until then (it leaned on something that ends, such as
     *                   an audit waiver's last day), or null; whoever ages the entry judges it against
     *                   its clock ({@link #expired})
     * @param until      what ends at {@code validUntil}, as a reader is told it
     */
    public record Found(LedgerEntry entry, Status status, String detail, Instant validUntil, String until) {
        public Found {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(status, "status");
        }

        /** A judgement that holds whenever it is read. */
        public Found(LedgerEntry entry, Status status, String detail) {
            this(entry, status, detail, null, null);
        }

        /** Why a pass no longer vouches at {@code now} (what ended and when), or null while it does. */
        public String expired(Instant now) {
            return status == Status.PASSED && validUntil != null && !now.isBefore(validUntil) ? until : null;
        }

        /** Judged by the entry's own outcome. */
        public static Found of(LedgerEntry e) {
            return new Found(e, e.outcome().isGood() ? Status.PASSED : Status.FAILED, null);
        }
    }

    /** The newest entry of {@code kind} about {@code subject}, judged by its outcome. */
    public static Expected latest(String section, String kind, String subject, Duration maxAge, String recordedBy) {
        return new Expected(section, kind, subject, null, maxAge, recordedBy,
                l -> l.latest(kind, subject).map(Found::of));
    }

    /**
     * The newest entry of {@code kind} about {@code subject}, which must also cover {@code aspect}:
     * {@code problem} reads the payload of a passed entry and returns why it does not cover it
     * (null when it does). A failed entry fails whatever it covers.
     */
    public static Expected covering(String section, String kind, String subject, String aspect, Duration maxAge,
                                    String recordedBy, Function<JsonNode, String> problem) {
        return judged(section, kind, subject, aspect, maxAge, recordedBy, (l, e) -> {
            if (!e.outcome().isGood()) {
                return Found.of(e);
            }
            String p = problem.apply(payload(e));
            return p == null ? Found.of(e) : new Found(e, Status.FAILED, p);
        });
    }

    /**
     * The newest entry of {@code kind} about {@code subject}, judged by {@code judge} (which is asked
     * only about entries of {@code kind}).
     */
    public static Expected judged(String section, String kind, String subject, String aspect, Duration maxAge,
                                  String recordedBy, Judge judge) {
        return judged(section, kind, subject, aspect, maxAge, recordedBy, null, judge);
    }

    /**
     * As {@link #judged(String, String, String, String, Duration, String, Judge)}, where only the
     * entries {@code speaks} accepts may speak (null: every entry of the kind and subject), such as
     * those of the plan's own project on a ledger several projects share: the newest of those is
     * judged, another's newer entry is passed over.
     */
    public static Expected judged(String section, String kind, String subject, String aspect, Duration maxAge,
                                  String recordedBy, Predicate<LedgerEntry> speaks, Judge judge) {
        Judge ofKind = (l, e) -> kind.equals(e.kind()) ? judge.judge(l, e) : null;
        Finder finder = speaks == null ? l -> l.latest(kind, subject).map(e -> ofKind.judge(l, e))
                : l -> l.query(new LedgerQuery(kind, subject, null, 0, true)).stream().filter(speaks).findFirst()
                .map(e -> ofKind.judge(l, e));
        return new Expected(section, kind, subject, aspect, maxAge, recordedBy, finder, ofKind);
    }

    /**
     * How the owner judges {@code entry}, found by the caller: empty when it is not about this
     * expectation's subject or not evidence it judges; by its outcome when the expectation has no
     * judge of its own.
     */
    public Optional<Found> judge(Ledger ledger, LedgerEntry entry) {
        if (!subject.equals(entry.subject())) {
            return Optional.empty();
        }
        if (judge == null) {
            return kind.equals(entry.kind()) ? Optional.of(Found.of(entry)) : Optional.empty();
        }
        return Optional.ofNullable(judge.judge(ledger, entry));
    }

    /** How a reviewer reads it: {@code backup test-db (copy in onprem)}. */
    public String describe() {
        return kind + " " + subject + (aspect == null ? "" : " (" + aspect + ")");
    }

    /** An entry's payload; an unreadable one reads as empty (and so covers nothing). */
    public static JsonNode payload(LedgerEntry e) {
        try {
            return Json.parse(e.payload());
        } catch (IllegalArgumentException ex) {
            return Json.mapper().createObjectNode();
        }
    }
}
