package dev.preflight.cutover;

import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Any other load balancer (a cloud CLI, a script): the plan gives the argv that moves traffic to
 * each colour, and optionally the argv that checks it (exit 0 = routes to that colour).
 */
public final class CommandLoadBalancer implements LoadBalancer {
    private final CutoverPlan plan;
    private final ProcessRunner runner;

    /** Finds this driver for {@code type: command}. */
    public static final class Driver implements LoadBalancerDriver {
        @Override
        public String type() {
            return "command";
        }

        @Override
        public LoadBalancer open(CutoverPlan plan, ProcessRunner runner) {
            return new CommandLoadBalancer(plan, runner);
        }
    }

    public CommandLoadBalancer(CutoverPlan plan, ProcessRunner runner) {
        this.plan = plan;
        this.runner = runner;
    }

    private List<String> switchArgv(Colour c) {
        return c == Colour.BLUE ? plan.loadBalancer().switchToBlue() : plan.loadBalancer().switchToGreen();
    }

    private List<String> verifyArgv(Colour c) {
        return c == Colour.BLUE ? plan.loadBalancer().verifyBlue() : plan.loadBalancer().verifyGreen();
    }

    @Override
    public String describe() {
        return "command load balancer";
    }

    @Override
    public List<String> actions(Colour to) {
        List<String> out = new ArrayList<>(List.of("run " + String.join(" ", switchArgv(to))));
        if (!verifyArgv(to).isEmpty()) {
            out.add("run " + String.join(" ", verifyArgv(to)) + " (exit 0 = routes to " + to.label() + ")");
        }
        return out;
    }

    @Override
    public void switchTo(Colour to) throws IOException, InterruptedException, LoadBalancer.LoadBalancerException {
        if (verifyArgv(to).isEmpty() && plan.loadBalancer().verifyUrl() == null) {
            // A switch command's exit 0 says it ran, not where traffic goes: with nothing to confirm the
            // routing, the switch would be reported done unverified. Refused before anything moves.
            throw new LoadBalancer.LoadBalancerException("not run: nothing would confirm traffic on " + to.label()
                    + " (the plan's load_balancer gives neither verify_" + to.label() + " nor verify_url); add one");
        }
        ProcessResult r = runner.run(ProcessSpec.of(switchArgv(to)).withTimeout(Duration.ofMinutes(5)));
        if (!r.ok()) {
            throw new LoadBalancer.LoadBalancerException(String.join(" ", switchArgv(to)) + " failed (exit "
                    + r.exitCode() + "): " + r.stderr().strip().lines().findFirst().orElse(""));
        }
        if (!verifyArgv(to).isEmpty() && active() != to) {
            throw new LoadBalancer.LoadBalancerException(String.join(" ", verifyArgv(to))
                    + " does not confirm traffic on " + to.label());
        }
    }

    @Override
    public Colour active() throws IOException, InterruptedException {
        for (Colour c : Colour.values()) {
            if (!verifyArgv(c).isEmpty()
                    && runner.run(ProcessSpec.of(verifyArgv(c)).withTimeout(Duration.ofMinutes(1))).ok()) {
                return c;
            }
        }
        return null;
    }
}
