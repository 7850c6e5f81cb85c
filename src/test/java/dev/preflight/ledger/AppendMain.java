package dev.preflight.ledger;

import dev.preflight.core.Secrets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Test helper run as a separate OS process: appends N entries to the ledger at URL (head files under DIR, default "."). */
public final class AppendMain {
    private AppendMain() {
    }

    public static void main(String[] args) {
        String url = args[0];
        int n = Integer.parseInt(args[1]);
        try (Ledger l = Ledgers.open(url, Path.of(args.length > 3 ? args[3] : "."), Secrets.none(), "proc-" + args[2], Clock.systemUTC())) {
            for (int i = 0; i < n; i++) {
                l.append(NewEntry.of("concurrency", args[2], Outcome.PASSED, "entry " + i, Map.of("i", i)));
            }
        }
    }
}
