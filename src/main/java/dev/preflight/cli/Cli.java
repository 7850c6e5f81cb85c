package dev.preflight.cli;

import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanProblem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The one factory of the {@link CommandLine}: writers, injected context, exit-code mapping and the
 * error handlers. {@link Main} and the tests both go through {@link #run(CliContext, String...)}.
 */
public final class Cli {
    private Cli() {
    }

    /** The whole command tree (usage, completion scripts, tests of the surface). */
    public static CommandLine commandLine(CliContext ctx) {
        return commandLine(ctx, null);
    }

    /**
     * The command tree for these arguments: picocli builds each command's model by reflection when
     * it is added, which took about 0.3 s for all of them at every start, so only the subcommands
     * whose names occur in {@code args} are added. When none does (no subcommand, a typo, {@code
     * --help}) or completion is generated, all are, so usage, suggestions and completion see the
     * whole surface. A name that is only an option's value adds a command nobody runs: harmless.
     */
    public static CommandLine commandLine(CliContext ctx, String[] args) {
        IFactory defaults = CommandLine.defaultFactory();
        IFactory factory = new IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K obj = defaults.create(cls);
                if (obj instanceof BaseCommand b) {
                    b.context(ctx);
                }
                return obj;
            }
        };
        CommandLine cl = new CommandLine(new PreflightCommand(), factory);
        java.util.Set<String> named = args == null ? java.util.Set.of() : new java.util.HashSet<>(java.util.Arrays.asList(args));
        List<Class<?>> wanted = PreflightCommand.SUBCOMMANDS.stream()
                .filter(c -> named.contains(c.getAnnotation(CommandLine.Command.class).name())).toList();
        if (wanted.isEmpty() || named.contains("generate-completion")) {
            wanted = PreflightCommand.SUBCOMMANDS;
        }
        for (Class<?> c : wanted) {
            cl.addSubcommand(c);
        }
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                ctx.interactive() && !ctx.env().containsKey("NO_COLOR") ? CommandLine.Help.Ansi.AUTO
                        : CommandLine.Help.Ansi.OFF));
        cl.setParameterExceptionHandler((ex, unused) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("preflight: " + ex.getMessage());
            err.println("  hint: see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            err.flush();
            return ExitCode.USAGE.code();
        });
        cl.setExecutionStrategy(parseResult -> {
            // Refuse a bad -o before any work is done, not after a backup ran.
            CommandLine.ParseResult leaf = parseResult;
            while (leaf.hasSubcommand()) {
                leaf = leaf.subcommand();
            }
            if (leaf.commandSpec().userObject() instanceof BaseCommand b && !leaf.isUsageHelpRequested()
                    && !leaf.isVersionHelpRequested()) {
                try {
                    b.checkOutput();
                } catch (PreflightException e) {
                    throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), e.getMessage(), e);
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            boolean verbose = ((PreflightCommand) commandLine.getCommandSpec().root().userObject()).global.verbose;
            Secrets secrets = commandLine.getCommandSpec().userObject() instanceof BaseCommand b ? b.secrets()
                    : Secrets.none();
            int code = report(ex, err, verbose, secrets);
            err.flush();
            return code;
        });
        return cl;
    }

    /**
     * Prints an error as users should see it and returns its exit code: words, never a Java class
     * name; secrets masked, in the stack trace of {@code --verbose} too (its Caused-by lines carry
     * driver and library messages). An I/O failure that reached here is the environment's (exit
     * 3); only anything else is a bug (exit 4).
     */
    static int report(Throwable ex, PrintWriter err, boolean verbose, Secrets secrets) {
        int code;
        if (ex instanceof PlanException pe) {
            for (PlanProblem p : pe.problems()) {
                err.println(secrets.redact(p.format()));
            }
            err.println("preflight: the plan has " + pe.problems().size() + " problem(s); nothing was done");
            code = ExitCode.USAGE.code();
        } else if (ex instanceof PreflightException pe) {
            err.println("preflight: " + secrets.redact(pe.getMessage()));
            if (pe.hint() != null) {
                err.println("  hint: " + secrets.redact(pe.hint()));
            }
            code = pe.exitCode().code();
        } else if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
            err.println("preflight: " + secrets.redact(Errors.describe(ex)));
            err.println("  hint: check the files, disks and hosts this command uses; --verbose shows where it failed");
            code = ExitCode.UNEXPECTED_STATE.code();
        } else {
            err.println("preflight: internal error: " + secrets.redact(Errors.describe(ex)));
            err.println("  hint: this is a bug in Preflight; rerun with --verbose for the stack trace, and report it");
            code = ExitCode.INTERNAL.code();
        }
        if (verbose) {
            StringWriter sw = new StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.print(secrets.redact(sw.toString()));
        }
        return code;
    }

    /** Parses and runs; returns the exit code. Never calls {@code System.exit}. */
    public static int run(CliContext ctx, String... args) {
        try {
            return commandLine(ctx, args).execute(args);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }
}
