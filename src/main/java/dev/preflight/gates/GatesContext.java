package dev.preflight.gates;

import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.run.EvidenceJudge;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Clock;
import java.util.List;

/**
 * What every gates verb works with, built once by the command or the run section: the plan (its
 * change window, its gates section and the evidence it requires), the ledger, the clock and the
 * drivers that reach the ticket system, the on-call source, the mailer and the webhook (their retry
 * sleeper says what it waits for: the command's progress).
 */
public record GatesContext(Plan plan, Ledger ledger, Clock clock, GatesDrivers drivers, EvidenceJudge judge) {
    /** A context whose custom gates judge evidence by its outcome and age alone (tests of one gate). */
    public GatesContext(Plan plan, Ledger ledger, Clock clock, GatesDrivers drivers) {
        this(plan, ledger, clock, drivers, (EvidenceJudge) null);
    }

    /**
     * A context whose custom gates ask the owners of the evidence they read ({@code owners}: the
     * runbook's sections) whether an entry that passed still covers the plan as it is now.
     */
    public GatesContext(Plan plan, Ledger ledger, Clock clock, GatesDrivers drivers, List<Section> owners) {
        this(plan, ledger, clock, drivers, new EvidenceJudge(new RunContext(plan, ledger, clock,
                new PrintWriter(Writer.nullWriter())), owners));
    }

    /** The context of the gates section of {@code preflight run}: the real drivers, waiting silently. */
    public static GatesContext of(RunContext run, List<Section> owners) {
        return new GatesContext(run.plan(), run.ledger(), run.clock(), GatesDrivers.real(run.clock()),
                new EvidenceJudge(run, owners));
    }

    /** Whether the plan configures anything the gates check. */
    public static boolean configured(Plan plan) {
        return plan.configures("gates") || plan.configures("change_window");
    }

    /** The ledger subject of this plan's gate entries: the change window's ticket, else the project. */
    public static String subject(Plan plan) {
        return plan.section("change_window", ChangeWindow.class).map(ChangeWindow::ticket)
                .orElse(plan.project().name());
    }

    /** The plan's change window, or a configuration error. */
    public ChangeWindow window() {
        return window(plan);
    }

    /** The plan's gates section, or a configuration error. */
    public GatesPlan gates() {
        return gates(plan);
    }

    /** The subject of the entries about this window: its ticket, else the project. */
    String subject(ChangeWindow w) {
        return w.ticket() != null ? w.ticket() : plan.project().name();
    }

    private static ChangeWindow window(Plan plan) {
        return plan.section("change_window", ChangeWindow.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no change_window", "add change_window: {start, end, environment, ticket}"));
    }

    private static GatesPlan gates(Plan plan) {
        return plan.section("gates", GatesPlan.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no gates section", "add gates: {cab: ..., oncall: ..., notice: ...}"));
    }

    /**
     * Checks what the plan cannot check at load time because secrets are interpolated late: the
     * change window exists, the REST gates a command uses have a non-empty token, the CAB has a
     * ticket. Throws {@link PreflightException} (exit 2) before anything is contacted or recorded.
     *
     * @param cab    whether the command reaches the CAB ticket ({@code check}, {@code publish})
     * @param oncall whether it asks the on-call source ({@code check}); ack and notify need neither token
     */
    public static void requireConfig(Plan plan, boolean cab, boolean oncall) {
        ChangeWindow w = window(plan);
        GatesPlan g = gates(plan);
        if (cab && g.cab() != null && !g.cab().provider().equals("file")) {
            GatesDrivers.token(g.cab().token(), "gates.cab.token");
            CabGate.ticketName(g.cab(), w);
        }
        if (oncall && g.oncall() != null && !"file".equals(g.oncall().provider())) {
            GatesDrivers.token(g.oncall().token(), "gates.oncall.token");
        }
    }
}
