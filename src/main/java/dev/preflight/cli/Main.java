package dev.preflight.cli;

import dev.preflight.backup.BackupEvidence;
import dev.preflight.core.Phases;
import dev.preflight.core.Json;
import dev.preflight.exec.SshConnector;
import dev.preflight.ledger.Ledgers;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Field;
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
        CliContext ctx = CliContext.system(out, err);
        PlanAhead ahead = PlanAhead.of(List.of(args), ctx.env(), ctx.cwd());
        warmUp(args, ahead);
        int code = Cli.run(ctx, ahead, args);
        Phases.mark("exit");
        System.exit(code);
    }

    /**
     * Reads the plan ahead first ({@link PlanAhead}: the command needs it as soon as its arguments are
     * parsed), then initialises Jackson's mappers, on the second core while this thread builds the
     * command model: nearly every command writes JSON (a ledger entry's canonical form, a report),
     * and their set-up cost a cold JVM tens of milliseconds on the main thread. Not SQLite's native
     * library in general: loading it for {@code --help} made a JDK 22+ run without the launcher's
     * {@code --enable-native-access} print four warnings (RaiseClassVersionIT). A backup (not its
     * help) opens the ledger anyway, so for it this thread also reads the root command's picocli
     * annotations, loads the ledger's driver and library, and encodes a made-up backup entry: a
     * 100 MB backup's fixed cost is what decides it against a dump by hand (bench/backup). An audit
     * loads the ledger's driver and library too (under the launcher, see below), and one of a plan
     * sets up the SSH client's classes and the JDK's key exchange and ciphers (SshConnector.warmUp),
     * which its first host otherwise met on the audit's path. A daemon thread: a command that needs
     * no JSON never waits for it, and one that does waits only for what is not done yet (class
     * initialisation is the JVM's own lock). Failures are for the command to meet later, so none is
     * reported here.
     */
    private static void warmUp(String[] args, PlanAhead ahead) {
        List<String> a = List.of(args);
        boolean help = a.contains("--help") || a.contains("-h");
        if (a.isEmpty() || help || a.contains("--version") || a.contains("-V") || a.contains("generate-completion")) {
            // Nothing there writes JSON or reads a plan; a warm-up only loaded Jackson from the jar (not
            // in --version's own start-up cache) beside the main thread: --version took 0.29 s
            // with it and 0.20 s without (6 alternating runs).
            return;
        }
        boolean backup = a.contains("backup");
        boolean audit = !backup && a.contains("audit");
        // Under the launcher only (it names the unpacked SQLite library, and allows native access on
        // the JDKs that would otherwise warn): an audit always records what it found in the ledger.
        boolean ledger = audit && System.getProperty("org.sqlite.lib.path") != null;
        Thread t = new Thread(new WarmUp(a, backup, audit, ledger, ahead), "preflight-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The warm-up's work (see {@link #warmUp}). A class rather than a lambda: the start-up archive's
     * training calls {@link Cli#run}, not this method, so a lambda here was linked at run time, on
     * the main thread before the command was parsed (its class and four method-handle classes made
     * by the JVM at every start, as {@code -Xlog:class+load} showed).
     */
    private record WarmUp(List<String> a, boolean backup, boolean audit, boolean ledger, PlanAhead ahead)
            implements Runnable {
        @Override
        public void run() {
            try {
                // First: the main thread needs the plan as soon as picocli has parsed the arguments.
                ahead.read();
                if (ledger) {
                    Ledgers.warmUp();
                }
                // An audit of a plan's hosts (not --local) connects to its SSH hosts first: MINA and the
                // JDK's key exchange and ciphers are set up while picocli and the plan are being read.
                if (audit && !a.contains("--local")) {
                    SshConnector.warmUp();
                }
                if (backup) {
                    // What a backup meets first, in that order: the picocli annotations of the root
                    // command (a proxy class the JVM makes for each annotation type), then the
                    // ledger's driver and native library.
                    for (Field f : PreflightCommand.class.getDeclaredFields()) {
                        f.getAnnotations();
                    }
                    for (Field f : GlobalOptions.class.getDeclaredFields()) {
                        f.getAnnotations();
                    }
                    Ledgers.warmUp();
                }
                Json.canonical(Map.of("warm-up", List.of(1, "x", true)));
                if (backup) {
                    // A backup's ledger entry, ready before the dump ends (see BackupEvidence.warmUp).
                    BackupEvidence.warmUp();
                }
            } catch (RuntimeException | Error ignored) {
                // the real use reports it
            }
        }
    }
}
