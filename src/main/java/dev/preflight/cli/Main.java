package dev.preflight.cli;

import dev.preflight.backup.Phases;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Process entry point: runs the CLI with the real environment and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Phases.mark("main");
        int code = Cli.run(CliContext.system(out, err), args);
        Phases.mark("exit");
        System.exit(code);
    }
}
