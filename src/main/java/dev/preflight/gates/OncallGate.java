package dev.preflight.gates;

import dev.preflight.ledger.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code oncall} gate's decision (runbook §4.3): someone is on call at escalation level 1
 * (primary) and level 2 (secondary) for the whole window (the union of their on-call intervals
 * covers it), and each person on call at those levels during the window has acknowledged this
 * window ({@code gates ack}, ledger kind {@code oncall-ack}): PagerDuty has no such acknowledgement.
 */
public final class OncallGate {
    /** The roles and their escalation levels. */
    public static final Map<String, Integer> ROLES = Map.of("primary", 1, "secondary", 2);

    private OncallGate() {
    }

    /** Asks the on-call source about the window and decides; a source that cannot answer throws {@link GateException}. */
    static GateResult check(GatesContext ctx, GatesPlan.Oncall o, ChangeWindow w) {
        List<OnCall> oncalls = ctx.drivers().oncall().apply(o).oncalls(w.start(), w.end());
        return decide(w, oncalls, GatesEvidence.acks(ctx.ledger(), ctx.subject(w)));
    }

    /** Decides from the entries on call during the window and the acknowledgements in the ledger. */
    public static GateResult decide(ChangeWindow w, List<OnCall> oncalls, List<LedgerEntry> acks) {
        List<String> failures = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (String role : List.of("primary", "secondary")) {
            int level = ROLES.get(role);
            List<OnCall> at = oncalls.stream().filter(o -> o.level() == level && overlaps(o, w)).toList();
            List<String> gaps = gaps(at, w.start(), w.end());
            gaps.forEach(g -> failures.add(role + " (level " + level + "): nobody on call " + g));
            Map<String, OnCall> people = new LinkedHashMap<>();
            at.forEach(o -> people.putIfAbsent(o.userId().isEmpty() ? o.userName() : o.userId(), o));
            for (OnCall p : people.values()) {
                LedgerEntry ack = acks.stream().filter(a -> acknowledges(a, role, p, w, oncalls)).findFirst().orElse(null);
                String who = p.userName() + (p.email().isEmpty() ? "" : " <" + p.email() + ">");
                long namesakes = sharing(p.userName(), oncalls);
                if (ack == null && namesakes > 1) {
                    failures.add(role + " " + who + " has not acknowledged the window: '" + p.userName() + "' names "
                            + namesakes + " people on call (run 'preflight gates ack --role " + role + " --user "
                            + (p.userId().isEmpty() ? p.email() : p.userId()) + "')");
                } else if (ack == null) {
                    failures.add(role + " " + who + " has not acknowledged the window (run 'preflight gates ack --role "
                            + role + " --user \"" + p.userName() + "\"')");
                } else {
                    details.add(role + " " + who + " on call " + span(p) + ", acknowledged (ledger #" + ack.seq() + ", "
                            + ack.time() + ")");
                }
            }
        }
        if (failures.isEmpty()) {
            return GateResult.pass("oncall", "primary and secondary are on call for the whole window and acknowledged it",
                    details);
        }
        List<String> all = new ArrayList<>(failures);
        all.addAll(details);
        return GateResult.fail("oncall", failures.get(0) + (failures.size() > 1 ? " (and " + (failures.size() - 1)
                + " more)" : ""), all);
    }

    /**
     * Whether {@code a} is {@code p}'s acknowledgement of the window in that role. The acknowledging
     * user is matched by PagerDuty user id, or by name or e-mail only when no other person on call
     * answers to it: two users may share a display name, and one acknowledgement is one person's.
     */
    static boolean acknowledges(LedgerEntry a, String role, OnCall p, ChangeWindow w, List<OnCall> oncalls) {
        return GatesEvidence.AckPayload.of(a).filter(j -> role.equals(j.role()) && p.isPerson(j.user())
                && sharing(j.user(), oncalls) <= 1 && j.window().is(w)).isPresent();
    }

    /** How many different people on call (by user id, else by name) answer to {@code user}. */
    static long sharing(String user, List<OnCall> oncalls) {
        return oncalls.stream().filter(o -> o.isPerson(user)).map(o -> o.userId().isEmpty() ? o.userName() : o.userId())
                .distinct().count();
    }

    private static boolean overlaps(OnCall o, ChangeWindow w) {
        return (o.start() == null || o.start().isBefore(w.end())) && (o.end() == null || o.end().isAfter(w.start()));
    }

    /** The parts of [from, to) no interval covers, as text; empty when covered. */
    static List<String> gaps(List<OnCall> intervals, Instant from, Instant to) {
        List<OnCall> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(o -> o.start() == null ? Instant.MIN : o.start()));
        List<String> gaps = new ArrayList<>();
        Instant covered = from;
        for (OnCall o : sorted) {
            Instant s = o.start() == null ? Instant.MIN : o.start();
            Instant e = o.end() == null ? Instant.MAX : o.end();
            if (s.isAfter(covered)) {
                gaps.add("from " + covered + " to " + (s.isBefore(to) ? s : to));
            }
            if (e.isAfter(covered)) {
                covered = e;
            }
            if (!covered.isBefore(to)) {
                break;
            }
        }
        if (covered.isBefore(to)) {
            gaps.add("from " + covered + " to " + to);
        }
        return gaps;
    }

    private static String span(OnCall o) {
        return (o.start() == null ? "(permanent)" : o.start().toString()) + " - "
                + (o.end() == null ? "(permanent)" : o.end().toString());
    }
}
