package dev.preflight.deps;

import dev.preflight.deps.ComposerFiles.Lock;
import dev.preflight.deps.ComposerFiles.Pkg;
import dev.preflight.deps.ComposerFiles.Root;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * composer.json + composer.lock as {@link ComposerAnalysis} walks them: every locked package by
 * name, what provides each name (the package, and what replaces or provides it), every requirer
 * (the root first), and the shortest requirement chain from the root to each package.
 */
final class ComposerIndex {
    static final String ROOT = "root";

    /** A locked package and what Composer treats as its versions (own, branch alias, inline alias). */
    record Locked(Pkg pkg, boolean dev, Set<String> versions) {
        String label() {
            return pkg.name() + " " + pkg.version();
        }
    }

    /** A package (or the root) that requires something: {@code dev} when only installed for development. */
    record Requirer(String name, Locked locked, Map<String, String> require, Map<String, String> conflict,
                    Map<String, Boolean> devEntries, boolean dev) {
        /** Its locked version; null for the root. */
        String version() {
            return locked == null ? null : locked.pkg().version();
        }
    }

    final Map<String, Locked> byName = new LinkedHashMap<>();
    final Map<String, List<Locked>> providers = new HashMap<>();
    final List<Requirer> requirers = new ArrayList<>();
    /** Locked packages whose version cannot be read: not indexed, each a warning. */
    final List<Finding> unparsed = new ArrayList<>();
    private final Map<String, List<String>> chains = new HashMap<>();

    ComposerIndex(Root root, Lock lock) {
        for (Map.Entry<Pkg, Boolean> e : ComposerFiles.all(lock)) {
            Pkg p = e.getKey();
            if (p.name() == null || p.version() == null) {
                continue;
            }
            Set<String> versions;
            try {
                versions = p.versions(lock.aliases());
            } catch (IllegalArgumentException ex) {
                // Composer itself would refuse this lock; say so rather than guess.
                unparsed.add(new Finding(Severity.WARNING, "composer", "unparsed", p.name(), p.version(), null,
                        List.of(p.name() + " " + p.version()), e.getValue(), "locked version cannot be read ("
                                + ex.getMessage() + "); this package was not checked", null));
                continue;
            }
            Locked l = new Locked(p, e.getValue(), versions);
            byName.put(p.name(), l);
            providers.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(l);
            p.replace().keySet().forEach(r -> providers.computeIfAbsent(r, k -> new ArrayList<>()).add(l));
            p.provide().keySet().forEach(r -> providers.computeIfAbsent(r, k -> new ArrayList<>()).add(l));
        }
        Map<String, Boolean> rootDev = new LinkedHashMap<>();
        Map<String, String> rootRequire = new LinkedHashMap<>();
        root.require().forEach((k, v) -> {
            rootRequire.put(k, v);
            rootDev.put(k, false);
        });
        root.requireDev().forEach((k, v) -> {
            if (!rootRequire.containsKey(k)) {
                rootRequire.put(k, v);
                rootDev.put(k, true);
            }
        });
        requirers.add(new Requirer(ROOT, null, rootRequire, root.conflict(), rootDev, false));
        for (Locked l : byName.values()) {
            requirers.add(new Requirer(l.pkg().name(), l, l.pkg().require(), l.pkg().conflict(), Map.of(), l.dev()));
        }
        computeChains(rootRequire, rootDev);
    }

    /** Shortest path from the root to every locked package, production requirements first. */
    private void computeChains(Map<String, String> rootRequire, Map<String, Boolean> rootDev) {
        Deque<Locked> queue = new ArrayDeque<>();
        for (boolean devPass : new boolean[] {false, true}) {
            rootRequire.forEach((dep, c) -> {
                if (rootDev.get(dep) == devPass) {
                    for (Locked l : providers.getOrDefault(dep, List.of())) {
                        if (!chains.containsKey(l.pkg().name())) {
                            chains.put(l.pkg().name(), List.of(ROOT, l.label()));
                            queue.add(l);
                        }
                    }
                }
            });
            while (!queue.isEmpty()) {
                Locked cur = queue.poll();
                List<String> base = chains.get(cur.pkg().name());
                for (String dep : cur.pkg().require().keySet()) {
                    for (Locked l : providers.getOrDefault(dep, List.of())) {
                        if (!chains.containsKey(l.pkg().name())) {
                            List<String> c = new ArrayList<>(base);
                            c.add(l.label());
                            chains.put(l.pkg().name(), List.copyOf(c));
                            queue.add(l);
                        }
                    }
                }
            }
        }
    }

    List<String> chain(Requirer r, String dep, String constraint) {
        List<String> c = new ArrayList<>(r.locked() == null ? List.of(ROOT)
                : chains.getOrDefault(r.name(), List.of(ROOT, "(not reachable from the root) " + r.locked().label())));
        c.add(dep + " " + constraint);
        return c;
    }

    boolean devOnly(Requirer r, String dep) {
        return r.locked() == null ? Boolean.TRUE.equals(r.devEntries().get(dep)) : r.dev();
    }
}
