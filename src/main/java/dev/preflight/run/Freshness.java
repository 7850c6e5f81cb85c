package dev.preflight.run;

import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.plan.Plan;
import dev.preflight.report.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How old each section's passing evidence may be for the verdict (and for the CAB ticket's
 * attachments at the window start): a default per section, overridden by the plan's
 * {@code readiness: {max_age: {SECTION: DURATION}}}.
 *
 * <p>The defaults follow what each check is about. Tool versions, lock files, env files, the
 * cutover's state and the backups change with any deploy or any night, so their evidence is good
 * for a day ({@code 24h}; the runbook backs up right before the change and the academy plan asks
 * for backup checks within 24h). A restore into staging takes hours on a real database and the
 * runbook does it once in the preparation week: {@code 7d}. Gates are about other systems'
 * current state (an approval can be withdrawn, an on-call swapped): {@code 1h}, and every
 * {@code run}/{@code readiness} re-checks them anyway.
 *
 * @param maxAge the plan's overrides, by section name
 */
public record Freshness(Map<String, Duration> maxAge) {
    /**
     * How far in the future of the judging machine's clock evidence may be dated and still have its
     * age judged: clocks of two machines disagree by a little. Evidence dated later than that was
     * recorded by a clock running ahead, and its age (negative) says nothing about how old it is.
     */
    public static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    /** Default max age per section, in runbook order. */
    public static final Map<String, Duration> DEFAULTS;

    static {
        Map<String, Duration> d = new LinkedHashMap<>();
        d.put("backups", Duration.ofHours(24));
        d.put("restore-test", Duration.ofDays(7));
        d.put("audit", Duration.ofHours(24));
        d.put("deps", Duration.ofHours(24));
        d.put("flags", Duration.ofHours(24));
        d.put("cutover", Duration.ofHours(24));
        d.put("gates", Duration.ofHours(1));
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public Freshness {
        maxAge = Map.copyOf(maxAge);
    }

    /**
     * Why evidence dated {@code time} cannot be judged fresh at {@code now}: it is dated more than
     * {@link #CLOCK_TOLERANCE} in the future; null when its age can be judged.
     */
    public static String future(Instant time, Instant now) {
        if (!time.isAfter(now.plus(CLOCK_TOLERANCE))) {
            return null;
        }
        return "it is dated " + Durations.hoursOrDays(Duration.between(now, time)) + " in the future of this "
                + "machine's clock (" + now.truncatedTo(ChronoUnit.SECONDS) + "), so its age cannot be judged: check "
                + "the clock of the machine that recorded it, then record it again";
    }

    /**
     * The newest-recorded entry dated more than {@link #CLOCK_TOLERANCE} after {@code now}, if any:
     * proof that this machine's clock is behind the ledger. Judging each entry on its own misses it,
     * because a clock set back (a VM restored from a snapshot, NTP broken on a bastion) makes old
     * evidence look young, and only some other entry (a chain check, a verdict) shows the true time.
     * Not the head: every command on the wrong clock appends an entry dated by it.
     */
    public static Optional<LedgerEntry> entryAfter(Ledger ledger, Instant now) {
        Instant limit = now.plus(CLOCK_TOLERANCE);
        // The store compares times as text, and a whole second is written without a fraction
        // ("10:00:00Z" sorts after "10:00:00.001Z"): ask from a second earlier, judge exactly here.
        // A thousand rows dated within those two seconds, all before the limit, would be needed to hide one.
        Instant from = limit.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        return ledger.query(new LedgerQuery(null, null, from, 1000, true)).stream()
                .filter(e -> e.time().isAfter(limit)).findFirst();
    }

    /** Why no age can be judged at {@code now}: {@code later}, found by {@link #entryAfter}, is dated after it. */
    public static String behind(LedgerEntry later, Instant now) {
        // hoursOrDays: a clock set back reads "9 days 23 h", not "863999s".
        return "this machine's clock (" + now.truncatedTo(ChronoUnit.SECONDS) + ") is behind the ledger: entry #"
                + later.seq() + " (" + later.kind() + " " + later.subject() + ") was recorded at " + later.time()
                + " by " + later.actor() + ", " + Durations.hoursOrDays(Duration.between(now, later.time()))
                + " later, so no evidence age can be judged (check this machine's clock and that of "
                + later.actor() + ")";
    }

    /** The max age of a section's evidence under this plan. */
    public static Duration of(Plan plan, String section) {
        Duration override = plan.section("readiness", Freshness.class).map(f -> f.maxAge().get(section)).orElse(null);
        if (override != null) {
            return override;
        }
        Duration d = DEFAULTS.get(section);
        if (d == null) {
            throw new IllegalArgumentException("no default max age for section " + section);
        }
        return d;
    }
}
