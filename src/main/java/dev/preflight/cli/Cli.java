package dev.preflight.cli;

import dev.preflight.core.Phases;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanProblem;
import dev.preflight.report.Style;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.IFactory;
import picocli.CommandLine;

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
     * whole surface, except for {@code --version} without help, which needs none. A name that is only
     * an option's value adds a command nobody runs: harmless.
     */
    public static CommandLine commandLine(CliContext ctx, String[] args) {
        return commandLine(ctx, args, PlanAhead.none());
    }

    /** The command tree for these arguments, its commands taking the plan read ahead when it is theirs. */
    static CommandLine commandLine(CliContext ctx, String[] args, PlanAhead ahead) {
        IFactory defaults = CommandLine.defaultFactory();
        IFactory factory = new IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K obj = defaults.create(cls);
                if (obj instanceof BaseCommand b) {
                    b.context(ctx, ahead);
                }
                return obj;
            }
        };
        CommandLine cl = new CommandLine(new PreflightCommand(), factory);
        Set<String> named = args == null ? Set.of() : new HashSet<>(Arrays.asList(args));
        List<Class<?>> wanted = PreflightCommand.SUBCOMMANDS.stream()
                .filter(c -> named.contains(nameOf(c))).toList();
        // --version alone needs no subcommand: it printed after the whole tree was built (half its time).
        boolean versionOnly = (named.contains("--version") || named.contains("-V"))
                && !named.contains("--help") && !named.contains("-h");
        if ((wanted.isEmpty() && !versionOnly) || named.contains("generate-completion")) {
            wanted = PreflightCommand.SUBCOMMANDS;
        }
        boolean whole = args == null || named.contains("generate-completion");
        for (Class<?> c : wanted) {
            cl.addSubcommand(c);
            List<Class<?>> nested = PreflightCommand.NESTED.getOrDefault(c, List.of());
            if (nested.isEmpty()) {
                continue;
            }
            // The same rule one level down: 'backup run' builds run's model, not list's, verify's,
            // prune's and schedule's (each a reflective walk of its options on a cold JVM).
            List<Class<?>> wantedNested = whole ? nested : nested.stream().filter(n -> named.contains(nameOf(n))).toList();
            CommandLine group = cl.getSubcommands().get(nameOf(c));
            for (Class<?> n : wantedNested.isEmpty() ? nested : wantedNested) {
                group.addSubcommand(n);
            }
        }
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // --no-color is not parsed yet when help is laid out: look for it among the raw arguments.
        boolean noColorOption = args != null && Arrays.asList(args).contains("--no-color");
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                Style.enabled(ctx.env(), ctx.interactive(), noColorOption) ? CommandLine.Help.Ansi.ON
                        : CommandLine.Help.Ansi.OFF));
        HelpText.apply(cl, width(ctx));
        cl.setParameterExceptionHandler((ex, unused) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("preflight: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                err.println("  did you mean: " + suggestions(u) + "?");
            }
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

    /** A command class's name, as typed (also how {@link PlanAhead} finds the command). */
    static String nameOf(Class<?> command) {
        return command.getAnnotation(CommandLine.Command.class).name();
    }

    /**
     * picocli's closest suggestion for a mistyped command or option, spelled as it is typed: a
     * command with its parents ("preflight readiness"), an option as is. Only the closest: the
     * others picocli finds are rarely what was meant ("readines" is not "restore-test").
     */
    private static String suggestions(CommandLine.UnmatchedArgumentException u) {
        String s = u.getSuggestions().get(0);
        return s.startsWith("-") ? s : u.getCommandLine().getCommandSpec().qualifiedName() + " " + s;
    }

    /** Help is wrapped at $COLUMNS when the shell exports it (within 60-200), else at 80. */
    private static int width(CliContext ctx) {
        try {
            int columns = Integer.parseInt(ctx.env().getOrDefault("COLUMNS", "80").strip());
            return Math.max(60, Math.min(200, columns));
        } catch (NumberFormatException e) {
            return 80;
        }
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
        } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
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
    public static int run(CliContext given, String... args) {
        return run(given, PlanAhead.none(), args);
    }

    /** As {@link #run(CliContext, String...)}, with the plan read ahead by {@link Main}'s warm-up. */
    static int run(CliContext given, PlanAhead ahead, String... args) {
        CliContext ctx = given.shown();
        try {
            CommandLine cl = commandLine(ctx, args, ahead);
            Phases.mark("cli-built");
            return cl.execute(args);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }
}
