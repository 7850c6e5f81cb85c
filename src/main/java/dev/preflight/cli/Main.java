package dev.preflight.cli;

import dev.preflight.backup.Phases;
import dev.preflight.core.Json;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Process entry point: runs the CLI with the real environment and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Phases.mark("main");
        warmUp();
        int code = Cli.run(CliContext.system(out, err), args);
        Phases.mark("exit");
        System.exit(code);
    }

    /**
     * Initialises Jackson's mappers on the second core while this thread builds the command model and
     * reads the plan: nearly every command writes JSON (a ledger entry's canonical form, a report),
     * and their set-up cost a cold JVM tens of milliseconds on the main thread. Not SQLite's native
     * library: loading it for {@code --help} made a JDK 22+ run without the launcher's
     * {@code --enable-native-access} print four warnings (RaiseClassVersionIT).
     * A daemon thread: a command that needs no JSON never waits for it, and one that does waits
     * only for what is not done yet (class initialisation is the JVM's own lock). Failures are for
     * the command to meet later, so none is reported here.
     */
    private static void warmUp() {
        Thread t = new Thread(() -> {
            try {
                Json.canonical(Map.of("warm-up", List.of(1, "x", true)));
            } catch (RuntimeException | Error ignored) {
                // the real use reports it
            }
        }, "preflight-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
