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
                              Map<String, String> devDependencies) {
        public PackageJson {
            dependencies = ComposerFiles.copy(dependencies);
            devDependencies = ComposerFiles.copy(devDependencies);
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

    /** Reads package.json and package-lock.json in {@code dir} and checks engines.node against {@code node}. */
    public static Result engines(Path dir, NpmRange node, String nodeLabel) {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path pj = dir.resolve("package.json");
        Path pl = dir.resolve("package-lock.json");
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
            // npm ci refuses a lock that does not hold what package.json depends on: it is not what would be installed.
            Map<String, Boolean> wanted = new LinkedHashMap<>();
            root.dependencies().keySet().forEach(d -> wanted.put(d, false));
            root.devDependencies().keySet().forEach(d -> wanted.putIfAbsent(d, true));
            wanted.forEach((dep, dev) -> {
                if (resolve(lock.packages(), "", dep) == null) {
                    String c = dev ? root.devDependencies().get(dep) : root.dependencies().get(dep);
                    findings.add(new Finding(Severity.BLOCKER, "npm", "unlocked", "root", root.version(), label,
                            List.of("root", dep + " " + c), dev, "package.json depends on " + dep + " " + c
                            + ", which is not in " + pl.getFileName() + ": the lock is out of sync with package.json "
                            + "(npm ci refuses it), so it is not what would be installed", "run npm install and review "
                            + "the new lock"));
                }
            });
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
