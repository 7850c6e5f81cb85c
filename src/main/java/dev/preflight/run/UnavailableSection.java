package dev.preflight.run;

import java.util.function.Predicate;

/**
 * A runbook section whose capability has not landed in this build. When the plan configures it,
 * the run says so plainly and the verdict is NO-GO: it was not verified, so it is not good.
 */
public record UnavailableSection(String name, Predicate<RunContext> isConfigured, String what) implements Section {
    @Override
    public boolean configured(RunContext context) {
        return isConfigured.test(context);
    }

    @Override
    public SectionResult run(RunContext context) {
        return new SectionResult.NotAvailable(name, what + " is not implemented in this build of Preflight; "
                + "the plan configures it, so it was NOT verified");
    }
}
