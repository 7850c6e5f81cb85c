package dev.preflight.flags;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Test helper run as a separate OS process: flips one staging flag N times through the service,
 * starting when the file {@code go} appears beside the plan.
 */
public final class ToggleMain {
    private ToggleMain() {
    }

    public static void main(String[] args) throws Exception {
        Path planFile = Path.of(args[0]);
        String flag = args[1];
        int n = Integer.parseInt(args[2]);
        Plan plan = PlanLoader.load(planFile, Map.of());
        FlagsPlan fp = plan.section("feature_flags", FlagsPlan.class).orElseThrow();
        try (Ledger l = Ledgers.open("sqlite:ledger.db", plan.baseDir(), Secrets.none(), "proc-" + flag,
                Clock.systemUTC())) {
            FlagsContext s = new FlagsContext("demo", fp, l, Clock.systemUTC(), plan.baseDir());
            // Start gate: say ready, then wait for "go", so both processes flip at the same time.
            Files.createFile(plan.baseDir().resolve("ready-" + flag));
            while (!Files.exists(plan.baseDir().resolve("go"))) {
                Thread.sleep(5);
            }
            for (int i = 0; i < n; i++) {
                boolean now = new FlagFiles(s).read("staging").booleans().get(flag);
                FlagsToggle.ToggleResult r = new FlagsToggle(s).run(new FlagsToggle.ToggleRequest(flag, !now, "staging", "flip " + i, null));
                if (!(r instanceof FlagsToggle.ToggleResult.Changed)) {
                    throw new IllegalStateException("toggle " + i + " did not land: " + r);
                }
            }
        }
    }
}
