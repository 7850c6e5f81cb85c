package dev.preflight.deps;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parts of composer.json, composer.lock and Packagist metadata the review reads, as records.
 * Package names are lower case, as Composer loads them ({@code Laravel/Framework} in a requirement
 * is {@code laravel/framework} to Composer, so it must be to the review).
 */
public final class ComposerFiles {
    private ComposerFiles() {
    }

    /** A package as composer.lock and Packagist's p2 metadata describe it. */
    public record Pkg(String name, String version, @JsonProperty("version_normalized") String versionNormalized,
                      Map<String, String> require, Map<String, String> conflict, Map<String, String> replace,
                      Map<String, String> provide, JsonNode extra,
                      @JsonProperty("default-branch") Boolean defaultBranch) {
        public Pkg {
            name = lower(name);
            require = names(require);
            conflict = names(conflict);
            replace = names(replace);
            provide = names(provide);
        }

        /** The normalised version, from the lock's {@code version_normalized} when present. */
        public String normalized() {
            if (versionNormalized != null && !versionNormalized.isBlank()) {
                return versionNormalized;
            }
            return ComposerVersion.normalize(version);
        }

        /**
         * Every version Composer treats this package as: its own, the {@code extra.branch-alias} of
         * its branch ({@code dev-main} aliased to {@code 2.x-dev}), and {@code 9999999-dev} for a
         * default branch without an alias (as Composer 2 does).
         */
        public Set<String> versions(List<LockAlias> rootAliases) {
            Set<String> out = new LinkedHashSet<>();
            String own = normalized();
            out.add(own);
            boolean aliased = false;
            if (extra != null && extra.path("branch-alias").isObject()) {
                JsonNode target = extra.path("branch-alias").path(version == null ? "" : version);
                if (target.isTextual()) {
                    try {
                        out.add(ComposerVersion.normalize(target.asText()));
                        aliased = true;
                    } catch (IllegalArgumentException e) {
                        // Composer ignores a branch alias it cannot parse; so do we.
                    }
                }
            }
            if (!aliased && Boolean.TRUE.equals(defaultBranch) && ComposerVersion.isBranch(own)) {
                out.add(ComposerVersion.WILD + "-dev");
            }
            for (LockAlias a : rootAliases) {
                if (name != null && name.equals(a.pkg()) && a.aliasNormalized() != null
                        && (own.equals(a.versionNormalized()) || (version != null && version.equals(a.version())))) {
                    out.add(a.aliasNormalized());
                }
            }
            return out;
        }
    }

    /** An inline alias from the root ({@code "dev-main as 1.0.0"}), recorded in the lock's {@code aliases}. */
    public record LockAlias(@JsonProperty("package") String pkg, String version, String alias,
                            @JsonProperty("alias_normalized") String aliasNormalized) {
        public LockAlias {
            pkg = lower(pkg);
        }

        String versionNormalized() {
            try {
                return version == null ? null : ComposerVersion.normalize(version);
            } catch (IllegalArgumentException e) {
                return version;
            }
        }
    }

    /** composer.lock. */
    public record Lock(List<Pkg> packages, @JsonProperty("packages-dev") List<Pkg> packagesDev, List<LockAlias> aliases,
                       @JsonProperty("platform-overrides") Map<String, String> platformOverrides) {
        public Lock {
            // A null entry is kept, so that the review can refuse the lock naming its position.
            packages = packages == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(packages));
            packagesDev = packagesDev == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(packagesDev));
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            platformOverrides = names(platformOverrides);
        }
    }

    /** composer.json (the root package). */
    public record Root(String name, Map<String, String> require, @JsonProperty("require-dev") Map<String, String> requireDev,
                       Map<String, String> conflict, Map<String, String> replace, Config config) {
        public Root {
            require = names(require);
            requireDev = names(requireDev);
            conflict = names(conflict);
            replace = names(replace);
        }

        /** {@code config.platform.php}, or null. */
        public String platformPhp() {
            if (config == null || config.platform() == null) {
                return null;
            }
            JsonNode php = config.platform().get("php");
            return php != null && php.isTextual() ? php.asText() : null;
        }
    }

    /** composer.json {@code config}; only {@code platform} matters here. */
    public record Config(Map<String, JsonNode> platform) {
    }

    /** A Packagist {@code p2} metadata file: versions per package, possibly minified. */
    public record P2(Map<String, List<JsonNode>> packages, String minified) {
    }

    static Map<String, String> copy(Map<String, String> m) {
        if (m == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * {@link #copy} with the names (keys) in lower case, as Composer reads a package's links: of two
     * spellings of one name the later is the one Composer keeps, so it is the one kept here.
     */
    static Map<String, String> names(Map<String, String> m) {
        Map<String, String> out = new LinkedHashMap<>();
        copy(m).forEach((k, v) -> {
            out.remove(lower(k));
            out.put(lower(k), v);
        });
        return Collections.unmodifiableMap(out);
    }

    private static String lower(String name) {
        return name == null ? null : name.toLowerCase(Locale.ROOT);
    }

    /** Every locked package, production first, each with whether it is dev-only. */
    public static List<Map.Entry<Pkg, Boolean>> all(Lock lock) {
        List<Map.Entry<Pkg, Boolean>> out = new ArrayList<>();
        lock.packages().forEach(p -> out.add(Map.entry(p, false)));
        lock.packagesDev().forEach(p -> out.add(Map.entry(p, true)));
        return out;
    }
}
