package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook link on the CAB ticket is the plan's runbook URL as a whole: a ticket that links
 * another page whose address merely starts with it (section-1.10 for section-1.1, a "-draft" copy)
 * does not carry it. Before, any text containing the URL passed.
 */
class RunbookLinkTest {
    @TempDir
    Path dir;

    private GateResult decide(String text) {
        Plan plan = GateFixtures.plan(dir, "cab: {provider: file, path: cab.md}", Map.of());
        ChangeWindow w = plan.section("change_window", ChangeWindow.class).orElseThrow();
        Clock c = GateFixtures.at(GateFixtures.START.minusSeconds(3600));
        try (Ledger l = GateFixtures.ledger(dir, c)) {
            return CabGate.decide("jira ACAD-1234", new ChangeTicket.State(true, "status Approved", List.of(), List.of(),
                    List.of(text)), List.of(), CabEvidence.runbook(plan).orElseThrow(), List.of(), l, w.start());
        }
    }

    @Test
    void anotherPageWhoseAddressStartsWithTheRunbooksIsNotTheRunbook() {
        for (String other : List.of(GateFixtures.RUNBOOK + "0", GateFixtures.RUNBOOK + "-draft",
                GateFixtures.RUNBOOK + "/old", GateFixtures.RUNBOOK + ".bak")) {
            GateResult r = decide("Runbook: " + other + " (see there)");
            assertThat(r.passed()).as(other + ": " + r).isFalse();
            assertThat(r.reason()).contains("is not on the ticket");
        }
    }

    @Test
    void theRunbookItselfPassesWhereverItStandsInTheText() {
        for (String t : List.of(GateFixtures.RUNBOOK, "Runbook: " + GateFixtures.RUNBOOK + ".",
                "[runbook](" + GateFixtures.RUNBOOK + ")", "<" + GateFixtures.RUNBOOK + ">",
                "see " + GateFixtures.RUNBOOK + ", then", GateFixtures.RUNBOOK + "#step-3", GateFixtures.RUNBOOK + " ")) {
            GateResult r = decide(t);
            assertThat(r.passed()).as(t + ": " + r).isTrue();
        }
    }
}
