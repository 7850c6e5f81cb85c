package dev.preflight.deps;

import dev.preflight.audit.Constraint;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.FlutterHost;
import dev.preflight.deps.DepsResult.Outdated;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.SshOptions;
import dev.preflight.plan.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code deps}: the dependency review of one directory: Composer, npm (engines, optionally outdated)
 * and Flutter on build agents, into one {@link DepsResult}. The outside world (npm, the agents) is
 * behind the {@link ProcessRunner} and {@link HostConnector} of its {@link DepsContext}, so tests use
 * real fakes of our own interfaces.
 */
public final class DepsReview {
    private final DepsContext ctx;

    public DepsReview(DepsContext ctx) {
        this.ctx = ctx;
    }

    /**
     * What to review.
     *
     * @param flutterAgents  build agents to probe (empty: Flutter not checked)
     * @param flutterVersion required Flutter version (audit constraint language), or null
     */
    public record Request(Path dir, Targets targets, List<Path> metadata, boolean npmOutdated,
                          List<FlutterCheck.Agent> flutterAgents, Constraint flutterVersion) {
        public Request {
            metadata = List.copyOf(metadata);
            flutterAgents = List.copyOf(flutterAgents);
        }

        /** The review the plan asks for; a usage error when the plan has no {@code dependencies} section. */
        public static Request of(Plan plan) {
            DepsPlan d = plan.section("dependencies", DepsPlan.class).orElseThrow(() -> PreflightException.usage(
                    "the plan has no 'dependencies' section",
                    "add one (see docs/plan-reference.md), or use --dir and --target"));
            List<FlutterCheck.Agent> agents = new ArrayList<>();
            Constraint version = null;
            if (d.flutter() != null) {
                Plan.Environment env = plan.environment(d.flutter().environment()).orElseThrow();
                env.hosts().forEach(h -> agents.add(new FlutterCheck.Agent(env.name(), h.name(), h.uri())));
                version = d.flutter().version() == null ? null : Constraint.parse(d.flutter().version());
            }
            return new Request(d.dir(), Targets.parse(d.targets()), d.metadata(), d.npmOutdated(), agents, version);
        }
    }

    /** The SSH settings of the Flutter build agents' environment (null: OpenSSH's defaults, or no agents). */
    public static SshOptions flutterSsh(Plan plan) {
        return plan.section("dependencies", DepsPlan.class).map(DepsPlan::flutter)
                .flatMap(f -> plan.environment(f.environment())).map(Plan.Environment::ssh).orElse(null);
    }

    /**
     * Reviews and records the review in the context's ledger, about the plan's project; a review that
     * could not be made (a malformed lock file, a missing input) is recorded as an error, then thrown:
     * it was not checked.
     */
    public DepsResult run(Request req) throws InterruptedException {
        String subject = ctx.plan().project().name();
        // Hashed before the review reads them: a file changed while it runs then no longer matches.
        Map<String, String> inputs = DepsEvidence.inputs(req.dir(), req.metadata());
        DepsResult r;
        try {
            r = review(req);
        } catch (PreflightException e) {
            DepsEvidence.recordError(ctx.ledger(), subject, e.getMessage());
            throw e;
        }
        DepsEvidence.record(ctx.ledger(), subject, r, inputs);
        return r;
    }

    /** Reviews; malformed files and missing inputs are {@link PreflightException}s (exit 2). */
    public DepsResult review(Request req) throws InterruptedException {
        Path dir = req.dir();
        if (!Files.isDirectory(dir)) {
            throw PreflightException.usage("no such directory: " + dir, "give the folder with composer.lock / package-lock.json");
        }
        Targets t = req.targets();
        if (t.isEmpty() && req.flutterAgents().isEmpty()) {
            throw PreflightException.usage("no targets to review against",
                    "e.g. --target 'laravel/framework=11.*' --target php=8.3 --target node=20");
        }
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>(t.readAs());
        if (!t.composer().isEmpty() || t.php() != null) {
            Path lockFile = dir.resolve("composer.lock");
            Path jsonFile = dir.resolve("composer.json");
            if (!Files.isRegularFile(lockFile)) {
                throw new PreflightException(ExitCode.USAGE, "no composer.lock in " + dir + ": the Composer targets ("
                        + String.join(", ", t.labels().keySet().stream().filter(k -> !k.equals("node")).toList())
                        + ") cannot be checked", "run composer install (or point dir/--dir at the application)");
            }
            noBom(lockFile);
            ComposerFiles.Lock lock = JsonFiles.read(lockFile, ComposerFiles.Lock.class);
            loadable(lockFile, lock);
            ComposerFiles.Root root;
            if (Files.isRegularFile(jsonFile)) {
                noBom(jsonFile);
                root = JsonFiles.read(jsonFile, ComposerFiles.Root.class);
            } else {
                root = new ComposerFiles.Root(null, null, null, null, null, null);
                notes.add("no composer.json in " + dir + ": root requirements and config.platform not checked");
            }
            PackagistMetadata meta = req.metadata().isEmpty() ? PackagistMetadata.none() : PackagistMetadata.load(req.metadata());
            ComposerAnalysis a = new ComposerAnalysis(root, lock, t.composer(), t.php(),
                    t.php() == null ? null : t.php().pretty(), meta);
            findings.addAll(a.run());
            notes.addAll(a.notes());
        }
        List<Outdated> outdated = List.of();
        if (t.node() != null) {
            if (!Files.isRegularFile(dir.resolve("package.json")) && !Files.isRegularFile(NpmAnalysis.lockFile(dir))) {
                throw PreflightException.usage("no package.json or package-lock.json in " + dir
                        + ": the node target cannot be checked", "run npm install, or drop the node target");
            }
            NpmAnalysis.Result n = NpmAnalysis.engines(dir, t.node(), t.node().pretty());
            findings.addAll(n.findings());
            notes.addAll(n.notes());
        }
        if (req.npmOutdated()) {
            if (!Files.isRegularFile(dir.resolve("package.json"))) {
                notes.add("npm outdated skipped: no package.json in " + dir);
            } else {
                NpmAnalysis.OutdatedResult o = NpmAnalysis.outdated(ctx.local(), dir, ctx.npmTimeout());
                if (o.skipped() != null) {
                    notes.add("npm outdated skipped: " + o.skipped());
                } else {
                    outdated = o.outdated();
                    notes.add("npm outdated: " + outdated.size() + " package(s) behind");
                }
            }
        }
        List<FlutterHost> flutter = List.of();
        if (!req.flutterAgents().isEmpty()) {
            flutter = FlutterCheck.run(ctx.agents(), ctx.prober(), req.flutterAgents(), req.flutterVersion());
            for (FlutterHost h : flutter) {
                if (h.status().equals("failed")) {
                    findings.add(new Finding(Severity.BLOCKER, "flutter", "flutter", h.environment() + "/" + h.host(),
                            h.version(), "flutter " + req.flutterVersion().text(), List.of(), false,
                            "Flutter " + h.version() + " " + h.detail(), null));
                }
            }
        }
        findings.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::ecosystem)
                .thenComparing(Finding::subject));
        return new DepsResult(dir.toString(), shown(req), findings, notes, outdated, flutter);
    }

    /**
     * Refuses (exit 2) a composer.lock Composer cannot install from: a null entry, a package without a name or a
     * version ("Package ... has no version defined") or one package locked twice (a merge that kept
     * both sides; Composer cannot install both). The review used to skip the first and keep only
     * the last of the second, so their requirements on the targets were never read and the review
     * was CLEAR.
     */
    private static void loadable(Path file, ComposerFiles.Lock lock) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String list : List.of("packages", "packages-dev")) {
            List<ComposerFiles.Pkg> pkgs = list.equals("packages") ? lock.packages() : lock.packagesDev();
            for (int i = 0; i < pkgs.size(); i++) {
                ComposerFiles.Pkg p = pkgs.get(i);
                String at = list + "[" + i + "]";
                if (p == null) {
                    throw PreflightException.usage(JsonFiles.position(file, list, i) + ": " + at
                            + " is null, not a package: Composer refuses this lock", "regenerate the lock with composer update");
                }
                String missing = p.name() == null || p.name().isBlank() ? "name"
                        : p.version() == null || p.version().isBlank() ? "version" : null;
                if (missing != null) {
                    throw PreflightException.usage(JsonFiles.position(file, list, i) + ": " + at
                            + (p.name() == null ? "" : " (" + p.name() + ")") + " has no " + missing
                            + ": Composer refuses this lock, and this package's requirements cannot be checked",
                            "regenerate the lock with composer update");
                }
                String before = seen.putIfAbsent(p.name(), at + " " + p.version());
                if (before != null) {
                    throw PreflightException.usage(JsonFiles.position(file, list, i) + ": " + at + " locks "
                            + p.name() + " " + p.version() + ", which " + before + " already locks: one package "
                            + "locked twice (a merge that kept both sides?) is not a lock Composer can install",
                            "resolve the lock with composer update " + p.name());
                }
            }
        }
    }

    /**
     * Refuses (exit 2) a Composer file that starts with a UTF-8 byte-order mark: PHP's json_decode does
     * not read it and Composer stops with "BOM detected", so no install is made from it, while
     * Jackson skips the mark and the review vouched for the file (CLEAR). npm strips the mark, so
     * npm's files are read as they are.
     */
    private static void noBom(Path file) {
        byte[] head = new byte[3];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 3);
        } catch (java.io.IOException e) {
            return; // JsonFiles.read says why it cannot be read
        }
        if (n == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            throw PreflightException.usage(file + ":1:1: starts with a UTF-8 byte-order mark: Composer refuses it "
                    + "(\"BOM detected\"), so nothing is installed from it", "save " + file.getFileName()
                    + " as UTF-8 without a BOM");
        }
    }

    /** The targets a review of {@code req} is against, as its report and ledger entry show them. */
    static Map<String, String> shown(Request req) {
        Map<String, String> shown = new LinkedHashMap<>(req.targets().labels());
        if (req.flutterVersion() != null) {
            shown.put("flutter", req.flutterVersion().text());
        }
        return shown;
    }
}
