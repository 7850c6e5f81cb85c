package dev.preflight.ledger;

import dev.preflight.core.Secrets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Test helper run as a separate OS process: opens the ledger at URL (base directory DIR) the way
 * every appending command does and keeps it open, appending one entry per {@code append} line read
 * from stdin and answering {@code appended SEQ}; {@code exit} closes it. Lets a test delete files or
 * SIGKILL the process at an exact point between commits.
 */
public final class HoldMain {
    private HoldMain() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Ledger l = Ledgers.open(args[0], Path.of(args[1]), Secrets.none(), "holder@host", Clock.systemUTC())) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null && !line.equals("exit")) {
                if (line.equals("append")) {
                    n++;
                    LedgerEntry e = l.append(NewEntry.of("hold", "holder", Outcome.FAILED, "held entry " + n, Map.of("n", n)));
                    System.out.println("appended " + e.seq());
                    System.out.flush();
                }
            }
        }
        System.out.println("closed");
        System.out.flush();
    }
}
