package dev.preflight.deps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Versions of packages as Packagist's {@code p2} metadata files describe them
 * ({@code https://repo.packagist.org/p2/laravel/framework.json}), read offline from files the plan
 * names. Minified files ({@code "minified": "composer/2.0"}) list each version as a difference from
 * the one before it, with {@code "__unset"} removing a key; they are expanded here. Immutable.
 */
public final class PackagistMetadata {
    private final Map<String, List<ComposerFiles.Pkg>> versions;
    private final List<Path> files;

    private PackagistMetadata(Map<String, List<ComposerFiles.Pkg>> versions, List<Path> files) {
        this.versions = versions;
        this.files = List.copyOf(files);
    }

    /** No metadata: the forward check is skipped. */
    public static PackagistMetadata none() {
        return new PackagistMetadata(Map.of(), List.of());
    }

    /** Reads and merges the files; a malformed file is a usage error naming it. */
    public static PackagistMetadata load(List<Path> files) {
        Map<String, List<ComposerFiles.Pkg>> out = new LinkedHashMap<>();
        for (Path f : files) {
            ComposerFiles.P2 p2 = JsonFiles.read(f, ComposerFiles.P2.class);
            if (p2.packages() == null) {
                throw new PreflightException(ExitCode.USAGE, f + ": not Packagist p2 metadata (no \"packages\" object)",
                        "download it from https://repo.packagist.org/p2/VENDOR/NAME.json");
            }
            boolean minified = p2.minified() != null;
            p2.packages().forEach((name, entries) -> {
                List<ComposerFiles.Pkg> list = out.computeIfAbsent(name, k -> new ArrayList<>());
                ObjectNode current = JsonFiles.mapper().createObjectNode();
                for (int i = 0; i < entries.size(); i++) {
                    JsonNode e = entries.get(i);
                    if (!e.isObject()) {
                        throw new PreflightException(ExitCode.USAGE, f + ": packages." + name + "[" + i + "]: expected an object",
                                null);
                    }
                    ObjectNode expanded = minified ? current.deepCopy() : JsonFiles.mapper().createObjectNode();
                    e.fields().forEachRemaining(kv -> {
                        if (kv.getValue().isTextual() && "__unset".equals(kv.getValue().asText())) {
                            expanded.remove(kv.getKey());
                        } else {
                            expanded.set(kv.getKey(), kv.getValue());
                        }
                    });
                    if (!expanded.has("name")) {
                        expanded.put("name", name);
                    }
                    current = expanded;
                    try {
                        ComposerFiles.Pkg p = JsonFiles.mapper().treeToValue(expanded, ComposerFiles.Pkg.class);
                        p.normalized();
                        list.add(p);
                    } catch (JsonProcessingException | IllegalArgumentException ex) {
                        throw new PreflightException(ExitCode.USAGE, f + ": packages." + name + "[" + i + "]: "
                                + Errors.describe(ex).lines().findFirst().orElse(""), null, ex);
                    }
                }
            });
        }
        out.replaceAll((k, v) -> v.stream().sorted(Comparator.comparing(ComposerFiles.Pkg::normalized,
                ComposerVersion.ORDER)).toList());
        return new PackagistMetadata(out, files);
    }

    /** True when no file was given. */
    public boolean isEmpty() {
        return files.isEmpty();
    }

    public List<Path> files() {
        return files;
    }

    /** The package's versions, oldest first (branch versions excluded); empty when unknown. */
    public List<ComposerFiles.Pkg> versions(String name) {
        return versions.getOrDefault(name, List.of()).stream()
                .filter(p -> !ComposerVersion.isBranch(p.normalized())).toList();
    }

    public boolean knows(String name) {
        return versions.containsKey(name);
    }

    /** The newest stable version of {@code name} inside {@code range}. */
    public Optional<ComposerFiles.Pkg> newestStable(String name, ComposerConstraint range) {
        List<ComposerFiles.Pkg> v = versions(name);
        for (int i = v.size() - 1; i >= 0; i--) {
            ComposerFiles.Pkg p = v.get(i);
            if ("stable".equals(ComposerVersion.stability(p.normalized())) && range.matches(p.normalized())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
