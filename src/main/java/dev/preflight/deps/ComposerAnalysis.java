package dev.preflight.deps;

import dev.preflight.deps.ComposerConstraint.Overlap;
import dev.preflight.deps.ComposerFiles.Lock;
import dev.preflight.deps.ComposerFiles.Pkg;
import dev.preflight.deps.ComposerFiles.Root;
import dev.preflight.deps.ComposerIndex.Locked;
import dev.preflight.deps.ComposerIndex.Requirer;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What in composer.json + composer.lock stands in the way of the Composer targets (e.g.
 * {@code laravel/framework 11.*}) and the target PHP: requirements on a target or on anything it
 * replaces that exclude the target range (BLOCKER) or allow only part of it (WARNING), conflicts in
 * both directions, {@code php} requirements, a {@code config.platform.php} that hides the real PHP,
 * and, when Packagist metadata is given, what the target itself requires (the forward check). Each
 * finding carries the requirement chain from the root and, when the metadata knows one, the lowest
 * version of the blocking package that would allow the target. One instance per analysis. (About
 * 450 lines: the lock's index and requirement chains already live in {@link ComposerIndex}.)
 */
public final class ComposerAnalysis {
    private final Root root;
    private final Lock lock;
    private final Map<String, ComposerConstraint> targets;
    private final ComposerConstraint php;
    private final String phpLabel;
    private final PackagistMetadata meta;
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final ComposerIndex index;
    private final Map<String, Locked> byName;
    private final Map<String, List<Locked>> providers;
    private final List<Requirer> requirers;

    /**
     * @param targets  Composer package targets, name to range (already widened: {@code 11.*})
     * @param php      the target PHP range ({@code 8.3.*}), or null when PHP is not a target
     * @param phpLabel how the PHP target is shown
     */
    public ComposerAnalysis(Root root, Lock lock, Map<String, ComposerConstraint> targets, ComposerConstraint php,
                            String phpLabel, PackagistMetadata meta) {
        this.root = root;
        this.lock = lock;
        this.targets = targets;
        this.php = php;
        this.phpLabel = phpLabel;
        this.meta = meta;
        this.index = new ComposerIndex(root, lock);
        this.byName = index.byName;
        this.providers = index.providers;
        this.requirers = index.requirers;
    }

    /** Runs every check; returns the findings (notes via {@link #notes()}). */
    public List<Finding> run() {
        findings.addAll(index.unparsed);
        unlocked();
        for (Map.Entry<String, ComposerConstraint> t : targets.entrySet()) {
            target(t.getKey(), t.getValue());
        }
        if (php != null) {
            php();
        }
        return List.copyOf(findings);
    }

    /**
     * Every package composer.json requires must be in composer.lock (by name, or replaced or provided
     * by a locked package): otherwise the lock is not what would be installed (composer install
     * refuses it), and a review of it vouches for nothing; an emptied lock had nothing to check
     * against the targets and was CLEAR. Platform requirements ({@code php}, {@code ext-*}: no
     * vendor) are the audit's, and a locked package whose version cannot be read is already a warning.
     */
    private void unlocked() {
        Set<String> unreadable = new HashSet<>();
        index.unparsed.forEach(f -> unreadable.add(f.subject()));
        ComposerIndex.Requirer r = requirers.get(0);
        r.require().forEach((dep, c) -> {
            if (!dep.contains("/") || unreadable.contains(dep) || root.replace().containsKey(dep)) {
                return;
            }
            if (providers.containsKey(dep)) {
                Locked own = byName.get(dep);
                if (own == null) {
                    return; // replaced or provided by another package: its version says nothing of this constraint
                }
                ComposerConstraint wanted;
                try {
                    wanted = ComposerConstraint.parse(c);
                } catch (IllegalArgumentException e) {
                    return; // the target checks word an unreadable constraint
                }
                if (own.versions().stream().noneMatch(wanted::matches)) {
                    findings.add(new Finding(Severity.BLOCKER, "composer", "unlocked", r.name(), null, null,
                            index.chain(r, dep, c), index.devOnly(r, dep), "composer.json requires " + dep + " " + c
                            + ", but composer.lock locks " + own.label() + ": the lock is out of date with composer.json "
                            + "(composer install refuses it), so it is not what would be installed", "run composer update "
                            + dep + " and review the new lock"));
                }
                return;
            }
            findings.add(new Finding(Severity.BLOCKER, "composer", "unlocked", r.name(), null, null,
                    index.chain(r, dep, c), index.devOnly(r, dep), "composer.json requires " + dep + " " + c
                    + ", which is not in composer.lock: the lock is out of date with composer.json (composer install "
                    + "refuses it), so it is not what would be installed", "run composer update " + dep
                    + " and review the new lock"));
        });
    }

    /** Checks that were skipped and why, and facts the reader needs (locked versions, replace lists). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private Optional<ComposerConstraint> parse(Requirer r, String dep, String c, String what) {
        try {
            // Composer replaces "self.version" with the requiring package's own version when it loads it.
            if ("self.version".equals(c.strip()) && r.locked() != null) {
                return Optional.of(ComposerConstraint.parse(r.locked().pkg().version()));
            }
            return Optional.of(ComposerConstraint.parse(c));
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(Severity.WARNING, "composer", "unparsed", r.name(), r.version(), what,
                    index.chain(r, dep, c), index.devOnly(r, dep), "cannot read the constraint on " + dep + ": "
                            + e.getMessage()
                            + "; it was not checked", null));
            return Optional.empty();
        }
    }

    private void target(String name, ComposerConstraint range) {
        String label = name + " " + range.pretty();
        Locked current = byName.get(name);
        notes.add(label + ": locked " + (current == null ? "nothing (not in composer.lock)" : current.pkg().version()));
        Optional<Pkg> next = meta.knows(name) ? meta.newestStable(name, range) : Optional.empty();
        // Names whose requirements count as requirements on the target: the target and what it replaces.
        Set<String> names = new LinkedHashSet<>();
        names.add(name);
        Map<String, String> replace = next.map(Pkg::replace).orElse(current == null ? Map.of() : current.pkg().replace());
        String source = next.isPresent() ? "the metadata of " + name + " " + next.get().version()
                : current != null ? "the locked " + current.label() : null;
        replace.forEach((r, v) -> {
            if ("self.version".equals(v)) {
                names.add(r);
            }
        });
        if (source == null) {
            notes.add(name + ": no replace list (not locked and no metadata): requirements on packages it replaces "
                    + "were not checked");
        } else if (names.size() > 1) {
            notes.add(name + " replaces " + (names.size() - 1) + " package(s) (from " + source + "); requirements on them "
                    + "count as requirements on " + name);
        }
        for (Requirer r : requirers) {
            if (names.contains(r.name())) {
                continue;
            }
            r.require().forEach((dep, c) -> {
                if (!names.contains(dep)) {
                    return;
                }
                parse(r, dep, c, label).ifPresent(req -> {
                    Overlap o = req.overlap(range);
                    String via = dep.equals(name) ? "" : " (" + dep + " is part of " + name + ")";
                    if (o == Overlap.NONE) {
                        add(Severity.BLOCKER, "requires", r, dep, c, label, "requires " + dep + " " + c
                                + ", which excludes " + label + " entirely" + via);
                    } else if (o == Overlap.PART) {
                        add(Severity.WARNING, "requires", r, dep, c, label, "requires " + dep + " " + c
                                + ", which allows only part of " + label + " (" + req.and(range).describe() + ")" + via);
                    }
                });
            });
            r.conflict().forEach((dep, c) -> {
                if (!names.contains(dep)) {
                    return;
                }
                parse(r, dep, c, label).ifPresent(conf -> {
                    Overlap o = conf.overlap(range);
                    if (o == Overlap.ALL) {
                        add(Severity.BLOCKER, "conflict", r, "conflict " + dep, c, label, "conflicts with " + dep + " " + c
                                + ", which covers all of " + label);
                    } else if (o == Overlap.PART) {
                        add(Severity.WARNING, "conflict", r, "conflict " + dep, c, label, "conflicts with " + dep + " " + c
                                + ", which covers part of " + label);
                    }
                });
            });
        }
        if (meta.isEmpty()) {
            notes.add("forward check skipped for " + label + ": no Packagist metadata file given (plan "
                    + "dependencies.metadata or --metadata), so what " + name + " itself requires (PHP, Symfony "
                    + "components, ...) was not compared with the lock");
            return;
        }
        if (!meta.knows(name)) {
            notes.add("forward check skipped for " + label + ": the metadata files (" + meta.files() + ") do not describe "
                    + name);
            return;
        }
        if (next.isEmpty()) {
            notes.add("forward check skipped for " + label + ": the metadata has no stable version of " + name
                    + " in " + range.pretty());
            return;
        }
        forward(name, label, next.get(), names);
    }

    private void add(Severity s, String kind, Requirer r, String dep, String c, String target, String message) {
        String fix = null;
        if (s == Severity.BLOCKER && r.locked() != null) {
            fix = fixFor(r.locked(), v -> allowsTargets(v));
        }
        findings.add(new Finding(s, "composer", kind, r.name(), r.version(), target, index.chain(r, dep, c),
                index.devOnly(r, dep), message, fix));
    }

    /** True when a version of a package neither excludes a target (or what it replaces) nor the target PHP. */
    private boolean allowsTargets(Pkg v) {
        for (Map.Entry<String, ComposerConstraint> t : targets.entrySet()) {
            Set<String> names = new LinkedHashSet<>();
            names.add(t.getKey());
            Locked current = byName.get(t.getKey());
            Map<String, String> replace = meta.newestStable(t.getKey(), t.getValue()).map(Pkg::replace)
                    .orElse(current == null ? Map.of() : current.pkg().replace());
            replace.forEach((r, x) -> {
                if ("self.version".equals(x)) {
                    names.add(r);
                }
            });
            for (String n : names) {
                String req = v.require().get(n);
                if (req != null && !safeParse(req).map(c -> c.overlap(t.getValue()) != Overlap.NONE).orElse(false)) {
                    return false;
                }
                String conf = v.conflict().get(n);
                if (conf != null && safeParse(conf).map(c -> c.overlap(t.getValue()) == Overlap.ALL).orElse(false)) {
                    return false;
                }
            }
        }
        if (php != null && v.require().containsKey("php")) {
            return safeParse(v.require().get("php")).map(c -> c.overlap(php) != Overlap.NONE).orElse(false);
        }
        return true;
    }

    private static Optional<ComposerConstraint> safeParse(String c) {
        try {
            return Optional.of(ComposerConstraint.parse(c));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The lowest version of a locked package, at or above the locked one, that satisfies {@code ok}
     * (from the metadata); null when the metadata does not know the package. Versions below the locked
     * one are not offered: an old release that predates the dependency would "allow" anything.
     */
    private String fixFor(Locked l, Predicate<Pkg> ok) {
        if (!meta.knows(l.pkg().name())) {
            return null;
        }
        String locked = l.pkg().normalized();
        for (Pkg v : meta.versions(l.pkg().name())) {
            if (!"stable".equals(ComposerVersion.stability(v.normalized()))) {
                continue;
            }
            if (!ComposerVersion.isBranch(locked) && ComposerVersion.compare(v.normalized(), locked) < 0) {
                continue;
            }
            if (ok.test(v)) {
                return v.version();
            }
        }
        return "none: no stable version in the metadata at or above " + l.pkg().version() + " allows the targets";
    }

    private void php() {
        String label = "php " + phpLabel;
        for (Requirer r : requirers) {
            String c = r.require().get("php");
            if (c == null) {
                continue;
            }
            parse(r, "php", c, label).ifPresent(req -> {
                Overlap o = req.overlap(php);
                if (o == Overlap.NONE) {
                    add(Severity.BLOCKER, "php", r, "php", c, label, "requires php " + c + ", which excludes " + label);
                } else if (o == Overlap.PART) {
                    add(Severity.WARNING, "php", r, "php", c, label, "requires php " + c + ", which allows only part of "
                            + label + " (" + req.and(php).describe() + ")");
                }
            });
        }
        String platform = platformPhp();
        if (platform != null) {
            String where = root.platformPhp() != null ? "config.platform.php" : "composer.lock platform-overrides.php";
            String normalized;
            try {
                normalized = ComposerVersion.normalize(platform);
            } catch (IllegalArgumentException e) {
                findings.add(new Finding(Severity.WARNING, "composer", "platform", ComposerIndex.ROOT, null, label,
                        List.of(ComposerIndex.ROOT, where + " " + platform), false, where + " is not a version: " + e.getMessage(), null));
                return;
            }
            if (!php.matches(normalized)) {
                findings.add(new Finding(Severity.WARNING, "composer", "platform", ComposerIndex.ROOT, null, label,
                        List.of(ComposerIndex.ROOT, where + " " + platform), false, where + " is " + platform
                                + ": Composer resolved the lock as if PHP were " + platform + ", hiding the real "
                                + "version; packages were chosen for it, not for " + label
                                + ". Raise it to the target (or remove it) before composer update", null));
            } else {
                notes.add(where + " is " + platform + ", inside " + label);
            }
        }
    }

    private String platformPhp() {
        String p = root.platformPhp();
        return p != null ? p : lock.platformOverrides().get("php");
    }

    /** What the next version of the target requires and conflicts with, against what is locked. */
    private void forward(String name, String label, Pkg next, Set<String> names) {
        notes.add("forward check: " + name + " " + next.version() + " (the newest stable " + label
                + " in the metadata) against the lock");
        String nextLabel = name + " " + next.version();
        Set<String> platformReqs = new TreeSet<>();
        int newDeps = 0;
        for (Map.Entry<String, String> e : next.require().entrySet()) {
            String dep = e.getKey();
            String c = e.getValue();
            Optional<ComposerConstraint> needed = safeParse(c);
            if (needed.isEmpty()) {
                notes.add(nextLabel + " requires " + dep + " " + c + ", which could not be read: not checked");
                continue;
            }
            if (dep.equals("php")) {
                forwardPhp(nextLabel, c, needed.get());
                continue;
            }
            if (!dep.contains("/")) {
                platformReqs.add(dep + " " + c);
                continue;
            }
            if (names.contains(dep)) {
                continue;
            }
            List<Locked> have = providers.getOrDefault(dep, List.of());
            if (have.isEmpty()) {
                newDeps++;
                continue;
            }
            Locked l = have.get(0);
            boolean ok = l.versions().stream().anyMatch(v -> needed.get().matches(v));
            if (ok) {
                continue;
            }
            boolean pinned = false;
            for (Requirer r : requirers) {
                if (names.contains(r.name()) || r.name().equals(dep)) {
                    continue;
                }
                String pin = r.require().get(dep);
                if (pin == null) {
                    continue;
                }
                Optional<ComposerConstraint> p = safeParse(pin);
                if (p.isPresent() && !p.get().intersects(needed.get())) {
                    pinned = true;
                    String fix = r.locked() == null ? null : fixFor(r.locked(), v -> {
                        String again = v.require().get(dep);
                        return again == null || safeParse(again).map(x -> x.intersects(needed.get())).orElse(false);
                    });
                    findings.add(new Finding(Severity.BLOCKER, "composer", "forward", r.name(), r.version(), label,
                            index.chain(r, dep, pin), index.devOnly(r, dep), "requires " + dep + " " + pin + ", but "
                                    + nextLabel
                                    + " needs " + dep + " " + c + " (locked " + l.pkg().version() + ")", fix));
                }
            }
            if (!pinned) {
                findings.add(new Finding(Severity.INFO, "composer", "upgrade", dep, l.pkg().version(), label,
                        List.of(nextLabel, dep + " " + c), l.dev(), "locked " + l.pkg().version() + " must move to "
                                + c + " along with " + nextLabel, null));
            }
        }
        for (Map.Entry<String, String> e : next.conflict().entrySet()) {
            Locked l = byName.get(e.getKey());
            Optional<ComposerConstraint> conf = safeParse(e.getValue());
            if (l == null || conf.isEmpty()) {
                continue;
            }
            if (l.versions().stream().anyMatch(v -> conf.get().matches(v))) {
                String fix = fixFor(l, v -> !conf.get().matches(v.normalized()));
                findings.add(new Finding(Severity.BLOCKER, "composer", "conflict", l.pkg().name(), l.pkg().version(),
                        label, List.of(nextLabel, "conflict " + e.getKey() + " " + e.getValue()), l.dev(),
                        nextLabel + " conflicts with " + e.getKey() + " " + e.getValue() + ", and " + l.label()
                                + " is locked", fix));
            }
        }
        if (!platformReqs.isEmpty()) {
            notes.add(nextLabel + " also requires " + String.join(", ", platformReqs)
                    + ": platform packages, not checked from lock files (the audit checks hosts)");
        }
        if (newDeps > 0) {
            notes.add(nextLabel + " brings " + newDeps + " package(s) that are not locked yet");
        }
    }

    private void forwardPhp(String nextLabel, String c, ComposerConstraint needed) {
        if (php != null) {
            Overlap o = needed.overlap(php);
            if (o != Overlap.ALL) {
                findings.add(new Finding(o == Overlap.NONE ? Severity.BLOCKER : Severity.WARNING, "composer", "forward",
                        nextLabel.split(" ")[0], null, "php " + phpLabel, List.of(nextLabel, "php " + c), false,
                        nextLabel + " requires php " + c + ", which " + (o == Overlap.NONE ? "excludes" : "allows only part of")
                                + " the target php " + phpLabel, null));
            }
        }
        String platform = platformPhp();
        if (platform != null) {
            String where = root.platformPhp() != null ? "config.platform.php" : "composer.lock platform-overrides.php";
            boolean ok;
            try {
                ok = needed.matches(ComposerVersion.normalize(platform));
            } catch (IllegalArgumentException e) {
                ok = true;
            }
            if (!ok) {
                findings.add(new Finding(Severity.BLOCKER, "composer", "platform", ComposerIndex.ROOT, null, nextLabel,
                        List.of(ComposerIndex.ROOT, where + " " + platform), false, where + " " + platform
                                + " does not satisfy "
                                + nextLabel + "'s php " + c + ": composer update refuses until it is raised", null));
            }
        }
    }
}
