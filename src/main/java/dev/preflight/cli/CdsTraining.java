package dev.preflight.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run behind {@code bin/preflight}'s class-data-sharing archive: one JVM runs the
 * commands people run most, in-process, so that the archive holds the classes of each of them
 * (an archive records one JVM's run; a plain command would cover itself only). Output is thrown
 * away and the verdicts do not matter. Arguments: the project root and a scratch directory.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) {
        train(Path.of(args[0]), Path.of(args[1]));
        System.exit(0);
    }

    /** Runs the training commands; returns their exit codes, in order. */
    static List<Integer> train(Path root, Path scratch) {
        String plan = root.resolve("examples/academy/preflight.yaml").toString();
        String ledger = "sqlite:" + scratch.resolve("ledger.db");
        List<List<String>> runs = List.of(
                // The audits first: they create the ledger, which risks and readiness never do.
                List.of("--ledger", ledger, "audit", "--local", "--require", "node=20", "--require", "redis-server=7"),
                List.of("--ledger", ledger, "--format", "json", "audit", "--local", "--require", "git=2"),
                List.of("--plan", plan, "--ledger", ledger, "--format", "json", "risks"),
                List.of("--plan", plan, "validate"),
                List.of("--plan", plan, "--ledger", ledger, "readiness"),
                List.of("--plan", plan, "--ledger", ledger, "ledger", "verify"));
        List<Integer> codes = new ArrayList<>();
        for (List<String> run : runs) {
            PrintWriter none = new PrintWriter(Writer.nullWriter());
            CliContext ctx = CliContext.system(none, none);
            try {
                codes.add(Cli.run(ctx, run.toArray(String[]::new)));
            } catch (RuntimeException e) {
                // A command that fails still loaded its classes; the archive is what matters here.
                codes.add(-1);
            }
        }
        return codes;
    }
}
