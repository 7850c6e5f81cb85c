package dev.preflight.cli;

import dev.preflight.core.Phases;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.OutputFile;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.HeadKey;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerAccess;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.report.Visible;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every leaf command shares: the injected {@link CliContext}, the global options, loading the
 * plan, opening the ledger, choosing a format, and emitting the report (to stdout or atomically to
 * {@code --output}, a regular file only and never the plan or the ledger) with secrets masked. A leaf command parses its own options, calls one service
 * and renders.
 */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    private CliContext ctx;
    private PlanAhead planAhead = PlanAhead.none();
    private Secrets secrets = Secrets.none();
    private Plan plan;

    final void context(CliContext c, PlanAhead ahead) {
        this.ctx = c;
        this.planAhead = ahead;
    }

    protected CliContext ctx() {
        return ctx;
    }

    protected GlobalOptions global() {
        return ((PreflightCommand) spec.root().userObject()).global;
    }

    /** The plan path: {@code --plan}, else {@code $PREFLIGHT_PLAN}, else {@code ./preflight.yaml}. */
    protected Path planPath() {
        return planPath(global().plan, ctx.env(), ctx.cwd());
    }

    /** The plan path for this {@code --plan} value (or null), environment and working directory. */
    static Path planPath(String option, Map<String, String> env, Path cwd) {
        String p = option;
        if (p == null || p.isBlank()) {
            p = env.get("PREFLIGHT_PLAN");
        }
        if (p == null || p.isBlank()) {
            p = "preflight.yaml";
        }
        return cwd.resolve(p).normalize();
    }

    protected Plan loadPlan() {
        Path path = planPath();
        if (Files.isDirectory(path)) {
            throw PreflightException.usage("the plan " + path + " is a directory, not a plan file",
                    "give the plan file itself, e.g. --plan " + path.resolve("preflight.yaml"));
        }
        if (!Files.exists(path)) {
            throw PreflightException.usage("plan file not found: " + path,
                    "give --plan FILE or set PREFLIGHT_PLAN; examples/quickstart/preflight.yaml is a starting point");
        }
        Plan p = planAhead.take(path).orElseGet(() -> PlanLoader.load(path, ctx.env()));
        Phases.mark("plan-loaded");
        secrets = p.secrets();
        plan = p;
        return p;
    }

    /** Opens the ledger named by {@code --ledger}, else the plan's, else the embedded default, to append (may create it). */
    protected Ledger openLedger(Plan plan) {
        return openLedger(plan, LedgerAccess.CREATE);
    }

    /**
     * Opens the ledger for what the command needs: {@link LedgerAccess#READ} (verify, log, export:
     * read-only, never creates), {@link LedgerAccess#APPEND} (readiness, risks: appends, never
     * creates), {@link LedgerAccess#CREATE} (commands that record evidence; a new ledger is announced
     * on stderr). The head-signing key comes from {@code PREFLIGHT_LEDGER_KEY} (see {@link HeadKey}).
     */
    protected Ledger openLedger(Plan plan, LedgerAccess access) {
        String url = global().ledger;
        if ((url == null || url.isBlank()) && plan.ledger() != null && plan.ledger().url() != null) {
            url = plan.ledger().url().value();
        }
        if (url != null && url.isBlank()) {
            url = null;
        }
        Ledgers.Options options = new Ledgers.Options(access, headKey(), notice -> {
            ctx.err().println("preflight: " + notice);
            ctx.err().flush();
        });
        Ledger ledger = Ledgers.open(url, plan.baseDir(), plan.secrets(), Ledgers.defaultActor(), ctx.clock(), options);
        Phases.mark("ledger-open");
        // Name the command as typed, without the root: "backup run", "restore-test".
        String command = spec.qualifiedName().replaceFirst("^\\S+\\s*", "");
        return new InterruptRecorder(ledger, command.isEmpty() ? spec.name() : command, ctx.clock(), ctx.err());
    }

    /** The key that signs (or checks) ledger heads, from the environment; empty when none is configured. */
    protected Optional<HeadKey> headKey() {
        return HeadKey.fromEnv(ctx.env(), ctx.cwd());
    }

    /**
     * The requested format, refused with exit 2 unless the command supports it (see
     * {@link #supportedFormats}: its renderer's formats, else its {@link Formats}, else text only).
     */
    protected Format format() {
        List<Format> supported = supportedFormats(this);
        Format f = global().format == null ? supported.get(0) : global().format;
        if (!supported.contains(f)) {
            throw PreflightException.usage("'" + spec.qualifiedName() + "' does not support --format " + f.label(),
                    "supported: " + supported.stream().map(Format::label).collect(Collectors.joining(", ")));
        }
        return f;
    }

    /**
     * The formats a command supports, its default first: its renderer's ({@link RendersWith}, text
     * first, then in {@link Format}'s order), else what its {@link Formats} declares, else text.
     */
    static List<Format> supportedFormats(Object command) {
        Formats declared = command.getClass().getAnnotation(Formats.class);
        if (command instanceof RendersWith<?> r) {
            if (declared != null) {
                // Two sources would drift apart: the renderer is the one.
                throw new IllegalStateException(command.getClass().getName() + " has a renderer and @Formats");
            }
            return List.copyOf(EnumSet.copyOf(r.renderer().formats()));
        }
        return declared == null ? List.of(Format.TEXT) : List.of(declared.value());
    }

    /** Colour only on a terminal that can show it, and never into {@code --output} (see {@link Style#enabled}). */
    protected Style style() {
        return new Style(global().output == null && Style.enabled(ctx.env(), ctx.interactive(), global().noColor));
    }

    /** How long operations show their progress on stderr: a live line on a terminal, plain timestamped lines otherwise. */
    protected Progress.Options progressOptions() {
        return Progress.Options.of(ctx.err(), ctx.env(), ctx.errTerminal(), ctx.clock());
    }

    /**
     * Writes the report: to {@code --output} atomically, else to stdout; secrets always masked, and
     * no foreign control character unseen ({@link Visible#report}, as the renderers already did: a
     * report built another way passes it here).
     */
    protected void emit(String report) {
        String safe = Visible.report(secrets.redact(report), format(), style().color());
        String out = global().output;
        if (out == null) {
            ctx.out().print(safe);
            if (!safe.endsWith("\n")) {
                ctx.out().println();
            }
            ctx.out().flush();
            return;
        }
        Path target = ctx.cwd().resolve(out);
        Path written;
        try {
            written = OutputFile.write(target, safe.getBytes(StandardCharsets.UTF_8), precious());
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE,
                    "cannot write the report to " + target + ": " + Errors.describe(e), "check the --output path", e);
        }
        ctx.err().println("report written to " + written);
        ctx.err().flush();
    }

    /**
     * Files an output path must never replace: the plan, and the SQLite ledger with its companion
     * files (WAL, shared memory, journal, head), compared by real path.
     */
    protected Map<Path, String> precious() {
        Map<Path, String> out = new LinkedHashMap<>();
        Path planFile = planPath();
        out.put(planFile, "the plan");
        Path base = plan != null ? plan.baseDir() : planFile.getParent();
        String url = global().ledger;
        if ((url == null || url.isBlank()) && plan != null && plan.ledger() != null && plan.ledger().url() != null) {
            url = plan.ledger().url().value();
        }
        Path ledger = null;
        if (url == null || url.isBlank()) {
            ledger = base == null ? null : base.resolve(".preflight").resolve("ledger.db");
        } else if (url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:")) {
            String p = url.substring(url.indexOf("sqlite:") + "sqlite:".length());
            ledger = base == null ? Path.of(p) : base.resolve(p);
        }
        if (ledger != null) {
            out.put(ledger, "the ledger");
            for (String suffix : new String[] {"-wal", "-shm", "-journal", ".head", "-head"}) {
                out.put(ledger.resolveSibling(ledger.getFileName() + suffix), "the ledger's " + suffix.substring(1)
                        + " file");
            }
        }
        return out;
    }

    /** Refuses an {@code -o} path that could never be written (exit 2), before the command does any work. */
    final void checkOutput() {
        String out = global().output;
        if (out != null) {
            OutputFile.resolve(ctx.cwd().resolve(out), precious());
        }
    }

    /** Secrets known to this command (from the plan, once loaded). */
    protected Secrets secrets() {
        return secrets;
    }
}
