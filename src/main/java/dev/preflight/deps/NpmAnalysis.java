package dev.preflight.deps;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.deps.ComposerConstraint.Overlap;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Outdated;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The npm side of the review: every package in package-lock.json (lockfile v2 and v3
 * {@code packages} map) whose {@code engines.node} excludes the target Node (BLOCKER) or allows only
 * part of it (WARNING), with the chain of dependencies that installs it; and, when asked, {@code npm
 * outdated --json} through the process runner (its exit 1 means "something is outdated", not an
 * error; an unreachable registry makes the report say the check was skipped).
 */
public final class NpmAnalysis {
    private NpmAnalysis() {
    }

    /** package.json: only what the review reads. */
    public record PackageJson(String name, String version, JsonNode engines, Map<String, String> dependencies,
                              Map<String, String> devDependencies, Map<String, String> optionalDependencies,
                              Map<String, String> peerDependencies, JsonNode peerDependenciesMeta, JsonNode workspaces) {
        public PackageJson {
            dependencies = ComposerFiles.copy(dependencies);
            devDependencies = ComposerFiles.copy(devDependencies);
            optionalDependencies = ComposerFiles.copy(optionalDependencies);
            peerDependencies = ComposerFiles.copy(peerDependencies);
        }
    }

    /** One entry of the lock's {@code packages} map. */
    public record LockEntry(String name, String version, Boolean dev, Boolean devOptional, Boolean link,
                            JsonNode engines, Map<String, String> dependencies,
                            @JsonProperty("optionalDependencies") Map<String, String> optionalDependencies) {
        public LockEntry {
            dependencies = ComposerFiles.copy(dependencies);
            optionalDependencies = ComposerFiles.copy(optionalDependencies);
        }
    }

    /** package-lock.json ({@code dependencies}: the lockfile v1 tree, read only to tell a lock from another object). */
    public record PackageLock(Integer lockfileVersion, Map<String, LockEntry> packages, JsonNode dependencies) {
    }

    /** The result of the lock analysis: findings and notes. */
    public record Result(List<Finding> findings, List<String> notes) {
    }

    /** The lock npm installs from in {@code dir}: npm-shrinkwrap.json when present (npm ignores package-lock.json then). */
    static Path lockFile(Path dir) {
        Path shrinkwrap = dir.resolve(SHRINKWRAP);
        return Files.isRegularFile(shrinkwrap) ? shrinkwrap : dir.resolve("package-lock.json");
    }

    /** The name of the lock that takes precedence over package-lock.json. */
    static final String SHRINKWRAP = "npm-shrinkwrap.json";

    /**
     * Reads package.json and the lock ({@link #lockFile}) in {@code dir} and checks engines.node
     * against {@code node}.
     */
    public static Result engines(Path dir, NpmRange node, String nodeLabel) {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path pj = dir.resolve("package.json");
        // npm ci installs from npm-shrinkwrap.json when there is one and ignores package-lock.json.
        Path pl = lockFile(dir);
        String label = "node " + nodeLabel;
        PackageJson root = Files.isRegularFile(pj) ? JsonFiles.read(pj, PackageJson.class) : null;
        if (root != null) {
            String rootEngines = nodeEngines(root.engines());
            if (rootEngines != null) {
                check(findings, notes, "root", root.version(), List.of("root"), rootEngines, false, node, label);
            }
        }
        if (!Files.isRegularFile(pl)) {
            // What is installed is what the lock says: without it the dependencies' engines are unknown.
            throw PreflightException.usage("no package-lock.json in " + dir + (root == null ? " (and no package.json)"
                    : " beside package.json") + ": the node target cannot be checked (the dependencies' engines are "
                    + "read from the lock)", "run npm install (npm 7 or later) to write it, or drop the node target");
        }
        PackageLock lock = JsonFiles.read(pl, PackageLock.class);
        if (lock.lockfileVersion() == null && lock.packages() == null && lock.dependencies() == null) {
            throw PreflightException.usage(pl + ": no lockfileVersion, packages or dependencies: this is not the shape "
                    + "of a package-lock.json, so the node target cannot be checked", "regenerate it with npm install");
        }
        int v = lock.lockfileVersion() == null ? 1 : lock.lockfileVersion();
        if (lock.packages() == null || v < 2) {
            // As with no lock at all: a review that could not read the engines must not pass the node target.
            throw PreflightException.usage(pl + " is lockfile v" + v + " (npm 6): it records no engines, so the node "
                    + "target cannot be checked", "run npm install with npm 7 or later to upgrade it, or drop the node target");
        }
        if (root != null) {
            rootRanges(findings, notes, root, lock.packages(), pj, pl, label);
        }
        Map<String, List<String>> chains = chains(lock.packages(), root);
        int checked = 0;
        for (Map.Entry<String, LockEntry> e : lock.packages().entrySet()) {
            String path = e.getKey();
            LockEntry entry = e.getValue();
            if (path.isEmpty() || entry == null || Boolean.TRUE.equals(entry.link())) {
                continue;
            }
            checked++;
            JsonNode eng = entry.engines();
            if (eng != null && eng.isArray()) {
                notes.add("npm: " + path + " has engines in the legacy array form (" + eng + "): not checked");
                continue;
            }
            String name = name(path, entry);
            boolean dev = Boolean.TRUE.equals(entry.dev());
            List<String> chain = new ArrayList<>(chains.getOrDefault(path, List.of("root", name + " " + entry.version())));
            JsonNode other = eng != null && eng.isObject() ? eng.get("node") : null;
            if (other != null && !other.isTextual() && !other.isNull()) {
                // npm cannot read it either (its range check fails on anything but a string): not a pass.
                chain.add("engines.node " + other);
                findings.add(new Finding(Severity.WARNING, "npm", "unparsed", name, entry.version(), label, chain, dev,
                        "engines.node " + other + " is not a range string; not checked", null));
                continue;
            }
            String range = nodeEngines(eng);
            if (range == null) {
                continue;
            }
            check(findings, notes, name, entry.version(), chain, range, dev, node, label);
        }
        notes.add("npm: " + checked + " locked package(s) in " + pl.getFileName() + " (lockfile v" + v + ") checked for engines.node");
        return new Result(findings, notes);
    }

    /**
     * package.json's own ranges against the lock, as {@code npm ci} judges them: npm builds the tree
     * package.json asks for starting from the lock, re-resolves every edge of the root whose locked
     * package is missing or does not satisfy its spec, and refuses the lock when the result differs
     * from it ("Missing: ... from lock file", "Invalid: lock file's vite@4.5.0 does not satisfy
     * vite@^5.0.0"). A lock package.json has moved away from is not what would be installed, yet the
     * review of it was CLEAR. Edges are read in npm's order (peer, prod, optional, dev: a later field
     * replaces the edge). An optional peer is never re-resolved by {@code npm ci}; any other
     * dependency missing from the lock, an optional one too, blocks. The root entry of the lock
     * ({@code packages[""]}) is not compared: npm only uses it to reset dev/optional flags. A spec the
     * review cannot judge (a dist-tag, a git or tarball URL, file:, a link or workspace, something it
     * cannot read) is {@link DepsResult#UNPARSED}, never passed.
     */
    private static void rootRanges(List<Finding> findings, List<String> notes, PackageJson root,
                                   Map<String, LockEntry> packages, Path pj, Path pl, String label) {
        record Edge(String field, String spec, boolean optionalPeer) {
        }
        Map<String, Edge> edges = new LinkedHashMap<>();
        JsonNode meta = root.peerDependenciesMeta();
        if (legacyPeerDeps(pj.getParent())) {
            // npm does not load peer edges at all then, so ci neither adds nor re-resolves them.
            notes.add("npm: .npmrc sets legacy-peer-deps: package.json's peerDependencies are not checked against "
                    + pl.getFileName() + ", as npm ci does not install them");
        } else {
            root.peerDependencies().forEach((n, s) -> edges.put(n, new Edge("peerDependencies", s,
                    meta != null && meta.path(n).path("optional").asBoolean(false))));
        }
        root.dependencies().forEach((n, s) -> edges.put(n, new Edge("dependencies", s, false)));
        root.optionalDependencies().forEach((n, s) -> edges.put(n, new Edge("optionalDependencies", s, false)));
        root.devDependencies().forEach((n, s) -> edges.put(n, new Edge("devDependencies", s, false)));
        String lockName = pl.getFileName().toString();
        edges.forEach((dep, edge) -> {
            if (edge.optionalPeer()) {
                return; // npm ci trusts the lock for an optional peer, present or not
            }
            boolean dev = edge.field().equals("devDependencies");
            String spec = edge.spec();
            String where = JsonFiles.position(pj, edge.field(), dep);
            List<String> chain = List.of("root", dep + " " + spec);
            String path = resolve(packages, "", dep);
            if (path == null) {
                // An optional dependency too: npm locks it on every platform, installable there or not,
                // and arborist resolves an optional edge with nothing locked, so npm ci says "Missing".
                findings.add(new Finding(Severity.BLOCKER, "npm", "unlocked", "root", root.version(), label, chain, dev,
                        where + ": package.json depends on " + dep + " " + spec + ", which is not in " + lockName
                        + ": the lock is out of sync with package.json (npm ci refuses it), so it is not what would "
                        + "be installed", "run npm install and review the new lock"));
                return;
            }
            LockEntry locked = packages.get(path);
            if (locked == null) {
                unjudged(findings, dep, null, label, chain, dev, where + ": " + dep + " " + spec + " is null in "
                        + lockName + " (" + JsonFiles.position(pl, "packages", path) + "); not checked");
                return;
            }
            String lockedAt = JsonFiles.position(pl, "packages", path, "version");
            String version = locked.version();
            String what = where + ": " + edge.field() + " " + dep + " " + spec;
            String range = spec.trim();
            if (range.startsWith("npm:")) {
                String aliased = range.substring(4);
                int at = aliased.lastIndexOf('@');
                range = at > 0 ? aliased.substring(at + 1).trim() : "";
                if (at <= 0) {
                    unjudged(findings, dep, version, label, chain, dev, what + " is an alias without a version range "
                            + "(the registry's latest): which version that is cannot be judged from the lock; not checked");
                    return;
                }
            }
            if (range.isEmpty() || range.equals("*")) {
                return; // npm: any version satisfies '*' (and '' means '*')
            }
            if (range.matches("(?s).*[:/\\\\].*") || range.startsWith(".") || range.startsWith("~/")) {
                unjudged(findings, dep, version, label, chain, dev, what + " is not a version range (a git or "
                        + "tarball URL, a file, link or workspace path): the review cannot judge it; not checked");
                return;
            }
            NpmRange wanted;
            try {
                wanted = NpmRange.parse(range);
            } catch (IllegalArgumentException e) {
                unjudged(findings, dep, version, label, chain, dev, what + (range.matches("[A-Za-z0-9._~-]+")
                        ? " is a dist-tag: which version it names is the registry's, not the lock's; not checked"
                        : " cannot be read as a range (" + e.getMessage() + "); not checked"));
                return;
            }
            if (Boolean.TRUE.equals(locked.link()) || version == null) {
                unjudged(findings, dep, version, label, chain, dev, what + ": " + lockedAt + " "
                        + (version == null ? "locks no version" : "is a link (a workspace or file: package)")
                        + "; not checked");
                return;
            }
            boolean ok;
            try {
                ok = wanted.satisfies(version);
            } catch (IllegalArgumentException e) {
                unjudged(findings, dep, version, label, chain, dev, what + ": the locked version \"" + version + "\" ("
                        + lockedAt + ") cannot be read; not checked");
                return;
            }
            if (!ok) {
                findings.add(new Finding(Severity.BLOCKER, "npm", "unlocked", "root", root.version(), label, chain, dev,
                        what + ", but " + lockName + " locks " + dep + " " + version + " (" + lockedAt + "), which does "
                        + "not satisfy it: the lock is out of date with package.json (npm ci refuses it: lock file's "
                        + dep + "@" + version + " does not satisfy " + dep + "@" + spec + "), so it is not what would be "
                        + "installed", "run npm install and review the new lock"));
            }
        });
        if (root.workspaces() != null && !root.workspaces().isNull() && !root.workspaces().isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "npm", DepsResult.UNPARSED, "root", root.version(), label,
                    List.of("root", "workspaces " + root.workspaces()), false, JsonFiles.position(pj, "workspaces")
                    + ": package.json declares workspaces: their own package.json ranges are not checked against "
                    + lockName, null));
        }
    }

    /**
     * Whether the project's own .npmrc turns on {@code legacy-peer-deps} (npm's ini: {@code key=value},
     * {@code ;} and {@code #} comments; true when the value is {@code true}). A user's or the global
     * npmrc is not the project's and is not read.
     */
    static boolean legacyPeerDeps(Path dir) {
        Path rc = dir.resolve(".npmrc");
        if (!Files.isRegularFile(rc)) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(rc, java.nio.charset.StandardCharsets.UTF_8)) {
                String t = line.strip();
                int eq = t.indexOf('=');
                if (t.startsWith(";") || t.startsWith("#") || eq < 0) {
                    continue;
                }
                if (t.substring(0, eq).strip().equals("legacy-peer-deps")) {
                    return t.substring(eq + 1).strip().replaceAll("^\"|\"$", "").equals("true");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: peers are checked, the stricter reading
        }
        return false;
    }

    private static void unjudged(List<Finding> findings, String dep, String version, String label, List<String> chain,
                                 boolean dev, String message) {
        findings.add(new Finding(Severity.WARNING, "npm", DepsResult.UNPARSED, dep, version, label, chain, dev, message,
                null));
    }

    private static void check(List<Finding> findings, List<String> notes, String name, String version, List<String> chain,
                              String range, boolean dev, NpmRange node, String label) {
        List<String> c = new ArrayList<>(chain);
        c.add("engines.node " + range);
        NpmRange r;
        try {
            r = NpmRange.parse(range);
        } catch (IllegalArgumentException ex) {
            findings.add(new Finding(Severity.WARNING, "npm", "unparsed", name, version, label, c, dev,
                    "engines.node \"" + range + "\" cannot be read (" + ex.getMessage() + "); not checked", null));
            return;
        }
        Overlap o = r.overlap(node);
        if (o == Overlap.NONE) {
            findings.add(new Finding(Severity.BLOCKER, "npm", "engines", name, version, label, c, dev,
                    "engines.node " + range + " excludes " + label, null));
        } else if (o == Overlap.PART) {
            findings.add(new Finding(Severity.WARNING, "npm", "engines", name, version, label, c, dev,
                    "engines.node " + range + " allows only part of " + label + " ("
                            + r.set().intersect(node.set()) + ")", null));
        }
    }

    private static String nodeEngines(JsonNode engines) {
        if (engines == null || !engines.isObject()) {
            return null;
        }
        JsonNode n = engines.get("node");
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static String name(String path, LockEntry e) {
        if (e.name() != null) {
            return e.name();
        }
        int i = path.lastIndexOf("node_modules/");
        return i < 0 ? path : path.substring(i + "node_modules/".length());
    }

    /** Where npm finds {@code dep} for the package at {@code from}: nearest node_modules upwards. */
    private static String resolve(Map<String, LockEntry> packages, String from, String dep) {
        String p = from;
        while (true) {
            String cand = (p.isEmpty() ? "" : p + "/") + "node_modules/" + dep;
            if (packages.containsKey(cand)) {
                return cand;
            }
            if (p.isEmpty()) {
                return null;
            }
            int i = p.lastIndexOf("/node_modules/");
            p = i < 0 ? "" : p.substring(0, i);
        }
    }

    /** Shortest dependency path from the root to every locked package. */
    private static Map<String, List<String>> chains(Map<String, LockEntry> packages, PackageJson root) {
        Map<String, List<String>> out = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        LockEntry rootEntry = packages.get("");
        Map<String, String> rootDeps = new LinkedHashMap<>();
        if (root != null) {
            rootDeps.putAll(root.dependencies());
            rootDeps.putAll(root.devDependencies());
        } else if (rootEntry != null) {
            rootDeps.putAll(rootEntry.dependencies());
        }
        for (String dep : rootDeps.keySet()) {
            String p = resolve(packages, "", dep);
            if (p != null && !out.containsKey(p)) {
                out.put(p, List.of("root", dep + " " + packages.get(p).version()));
                queue.add(p);
            }
        }
        while (!queue.isEmpty()) {
            String cur = queue.poll();
            LockEntry e = packages.get(cur);
            Map<String, String> deps = new LinkedHashMap<>(e.dependencies());
            deps.putAll(e.optionalDependencies());
            for (String dep : deps.keySet()) {
                String p = resolve(packages, cur, dep);
                if (p != null && !out.containsKey(p)) {
                    List<String> c = new ArrayList<>(out.get(cur));
                    c.add(dep + " " + packages.get(p).version());
                    out.put(p, List.copyOf(c));
                    queue.add(p);
                }
            }
        }
        return out;
    }

    /** What {@code npm outdated --json} said, or why it was skipped. */
    public record OutdatedResult(List<Outdated> outdated, String skipped) {
    }

    /**
     * Runs {@code npm outdated --json} in {@code dir}. Exit 0 (nothing outdated) and 1 (something is)
     * both carry the JSON; an error object (ENOTFOUND, EAI_AGAIN: registry unreachable), another exit
     * code, a timeout or a missing npm make it skipped, with the reason.
     */
    public static OutdatedResult outdated(ProcessRunner runner, Path dir, Duration timeout) throws InterruptedException {
        ProcessResult r;
        try {
            r = runner.run(ProcessSpec.of("npm", "outdated", "--json", "--fetch-retries=0", "--fetch-timeout=15000")
                    .withWorkDir(dir.toString()).withTimeout(timeout).withCaptureLimit(4L << 20));
        } catch (IOException e) {
            return new OutdatedResult(List.of(), "npm outdated could not run: " + Errors.describe(e));
        }
        if (r.notFound()) {
            return new OutdatedResult(List.of(), "npm is not installed on this machine");
        }
        if (r.timedOut()) {
            return new OutdatedResult(List.of(), "npm outdated timed out after " + timeout.toSeconds() + " s");
        }
        JsonNode json = null;
        try {
            json = r.stdout().isBlank() ? null : JsonFiles.mapper().readTree(r.stdout());
        } catch (IOException e) {
            json = null;
        }
        if (json != null && json.has("error")) {
            JsonNode err = json.get("error");
            String code = err.path("code").asText("");
            String summary = err.path("summary").asText("").lines().findFirst().orElse("");
            boolean net = code.matches("ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|E5\\d\\d")
                    || summary.contains("network");
            return new OutdatedResult(List.of(), (net ? "registry unreachable" : "npm outdated failed") + " ("
                    + (code.isEmpty() ? "" : code + ": ") + summary + ")");
        }
        if ((r.exitCode() != 0 && r.exitCode() != 1) || json == null || !json.isObject()) {
            String why = r.stderr().lines().filter(l -> !l.isBlank()).findFirst().orElse("no JSON on stdout");
            return new OutdatedResult(List.of(), "npm outdated exited " + r.exitCode() + ": " + why);
        }
        List<Outdated> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<JsonNode> items = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(items::add);
            } else {
                items.add(e.getValue());
            }
            for (JsonNode i : items) {
                out.add(new Outdated(e.getKey(), i.path("current").asText("(not installed)"), i.path("wanted").asText(""),
                        i.path("latest").asText(""), i.path("location").asText("")));
            }
        }
        return new OutdatedResult(out, null);
    }
}
