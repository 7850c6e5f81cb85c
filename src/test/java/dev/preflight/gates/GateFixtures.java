package dev.preflight.gates;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plans, ledgers and evidence for the gate tests (real SQLite ledgers in a temp dir). */
final class GateFixtures {
    static final Instant START = Instant.parse("2027-01-09T01:00:00Z");
    static final String RUNBOOK = "https://wiki.example.com/academy/upgrade/section-1.1";

    private GateFixtures() {
    }

    static Plan plan(Path dir, String gates, Map<String, String> env) {
        String yaml = """
                version: 1
                project: {name: academy, runbook: "%s"}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                %s
                # The CAB looks at the evidence days before the window: it must still be within 7 days then.
                readiness: {max_age: {audit: 7d, backups: 7d}}
                """.formatted(RUNBOOK, gates.indent(2));
        return PlanLoader.parse("preflight.yaml", yaml, dir, env);
    }

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    static Ledger ledger(Path dir, Clock clock) {
        return Ledgers.open("sqlite:" + dir.resolve("ledger.db"), dir, Secrets.none(), "test@host", clock);
    }

    static LedgerEntry audit(Ledger l, String env, boolean passed, String report) {
        return l.append(NewEntry.of("audit", env, passed ? Outcome.PASSED : Outcome.FAILED, "audit", Map.of("hosts", 1))
                .withAttachments(List.of(new NewEntry.Attachment("audit-" + env + "-" + System.nanoTime() + ".json",
                        "application/json", report.getBytes(StandardCharsets.UTF_8)))));
    }

    static LedgerEntry backup(Ledger l, String source, boolean passed) {
        return l.append(NewEntry.of("backup", source, passed ? Outcome.PASSED : Outcome.FAILED, "mysql dump of " + source,
                        Map.of("source", source, "type", "mysql"))
                .withArtifacts(List.of(new Artifact("/backups/" + source + ".sql.gz", 1234, "ab".repeat(32)))));
    }

    /**
     * Publishes the current evidence with the real {@link GatesPublish} to a ticket that
     * only keeps the files (a fake of our own interface), so the ledger records what a real publish
     * records; returns the files (name to content) for a test to serve from its stubbed ticket.
     */
    static Map<String, byte[]> publish(Plan plan, Ledger l, Clock clock) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        ChangeTicket keeper = new ChangeTicket() {
            @Override
            public String describe() {
                return "kept files";
            }

            @Override
            public State read() {
                throw new UnsupportedOperationException("only publishes");
            }

            @Override
            public List<Published> publish(List<CabEvidence.Item> items) {
                List<Published> out = new ArrayList<>();
                for (CabEvidence.Item i : items) {
                    if (!i.slot().equals("runbook")) {
                        files.put(i.fileName(), i.content());
                    }
                    out.add(new Published(i.slot(), i.fileName(), "kept", i.sha256()));
                }
                return out;
            }
        };
        new GatesPublish(new GatesContext(plan, l, clock, new GatesDrivers(c -> keeper, o -> null, s -> null, d -> { })))
                .run();
        return files;
    }

    /** A sleeper that records the waits instead of sleeping: retry tests take no wall-clock time. */
    static final class RecordingSleeper implements Http.Sleeper {
        final List<Duration> waits = new ArrayList<>();
        final List<String> said = new ArrayList<>();

        @Override
        public void sleep(Duration d) {
            waits.add(d);
        }

        @Override
        public void sleep(Duration d, String why) {
            said.add(why);
            sleep(d);
        }
    }
}
