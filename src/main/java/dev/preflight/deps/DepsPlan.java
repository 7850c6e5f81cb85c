package dev.preflight.deps;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan's {@code dependencies} section (runbook §3.2): the project directory with the lock files,
 * the targets, Packagist metadata files for the forward check, whether to run {@code npm outdated},
 * and which environment's hosts are the Flutter build agents.
 *
 * @param dir         the directory holding composer.json/lock and package.json/package-lock.json
 * @param targets     name to version, as written ({@code laravel/framework: "11.*"})
 * @param metadata    Packagist p2 files, resolved against the plan
 * @param npmOutdated run {@code npm outdated --json} in {@code dir}
 * @param flutter     Flutter build agents, or null
 */
public record DepsPlan(Path dir, Map<String, String> targets, List<Path> metadata, boolean npmOutdated, Flutter flutter) {
    public DepsPlan {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        metadata = List.copyOf(metadata);
    }

    /** Flutter on an environment's hosts; {@code version} (audit constraint language) may be null. */
    public record Flutter(String environment, String version) {
    }
}
