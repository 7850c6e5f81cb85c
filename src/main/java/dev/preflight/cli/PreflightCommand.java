package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: global options and the list of subcommands; alone it prints usage and exits 2. */
@Command(name = "preflight",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Executable, auditable pre-flight and risk controls for an upgrade runbook.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok: everything asked for was done and verified",
            "  1  checks failed (a failed check, NO-GO, a broken ledger chain)",
            "  2  usage or configuration error (command line or plan file)",
            "  3  unexpected state (lock held, host unreachable, chain broken at runtime)",
            "  4  internal error (rerun with --verbose for the stack trace)",
            "",
            "Examples:",
            "  preflight --plan examples/quickstart/preflight.yaml run",
            "  preflight audit --local --require java=17",
            "  preflight readiness --format html -o readiness.html",
            "  preflight COMMAND --help",
        })
public final class PreflightCommand implements Callable<Integer> {
    /**
     * The subcommands, in usage order. Registered by {@link Cli} rather than in the annotation so that
     * a run builds the (reflective, costly) model of the subcommand it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ValidateCommand.class,
            SchemaCommand.class,
            RunCommand.class,
            AuditCommand.class,
            RisksCommand.class,
            ReadinessCommand.class,
            DepsCommand.class,
            GatesCommand.class,
            LedgerCommand.class,
            FlagsCommand.class,
            CutoverCommand.class,
            BackupCommand.class,
            RestoreTestCommand.class,
            AutoComplete.GenerateCompletion.class);

    /** The group commands' own subcommands, registered the same way (see {@link Cli#commandLine}). */
    static final Map<Class<?>, List<Class<?>>> NESTED = Map.of(
            BackupCommand.class, BackupCommand.SUBCOMMANDS,
            CutoverCommand.class, CutoverCommand.SUBCOMMANDS,
            FlagsCommand.class, FlagsCommand.SUBCOMMANDS,
            GatesCommand.class, GatesCommand.SUBCOMMANDS,
            LedgerCommand.class, LedgerCommand.SUBCOMMANDS,
            ReadinessCommand.class, ReadinessCommand.SUBCOMMANDS);

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    CommandSpec spec;

    /** Without a command there is nothing to do: usage on stderr, exit 2, as for any usage error. */
    @Override
    public Integer call() {
        return usageError(spec);
    }

    /** Prints a group command's usage to stderr with what to add, and returns exit 2. */
    static int usageError(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        err.println();
        err.println("preflight: '" + spec.qualifiedName() + "' needs a command; see the list above");
        err.flush();
        return ExitCode.USAGE.code();
    }
}
