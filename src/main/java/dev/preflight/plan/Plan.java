package dev.preflight.plan;

import dev.preflight.core.Secrets;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.SshOptions;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded and validated plan file: the runbook as data. Sections not configured are absent from
 * {@link #sections()}; relative paths in the plan resolve against {@link #baseDir()}.
 *
 * @param sections top-level sections the file configures, by key (e.g. {@code requirements},
 *                 {@code backups})
 * @param models   section models read by the registered {@link SectionParser}s, by key
 * @param sha256   what a sign-off was given on: SHA-256 of the plan's text as it was read, and, when it
 *                 interpolates, of the values it read ({@code path=value}, sorted; none that holds a
 *                 secret), so a sign-off does not survive a changed {@code ${VAR}} or {@code ${file:...}}
 */
public record Plan(Path source, Path baseDir, Secrets secrets, int version, Project project, LedgerConfig ledger,
                   List<Environment> environments, Set<String> sections, Map<String, Object> models, String sha256) {
    public Plan {
        environments = List.copyOf(environments);
        // In the file's (runbook) order: Set.copyOf iterates in an order that changes from one JVM to the next.
        sections = Collections.unmodifiableSet(new LinkedHashSet<>(sections));
        models = Map.copyOf(models);
    }

    /** The same plan with another source path (the loader reads first, then fixes the absolute path). */
    Plan withSource(Path src) {
        return new Plan(src, baseDir, secrets, version, project, ledger, environments, sections, models, sha256);
    }

    /**
     * The model of a section read by its {@link SectionParser}; empty when the plan does not
     * configure the section.
     */
    public <T> Optional<T> section(String key, Class<T> type) {
        return Optional.ofNullable(models.get(key)).map(type::cast);
    }

    public Optional<Environment> environment(String name) {
        return environments.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public boolean configures(String section) {
        return sections.contains(section);
    }

    /** Who and what the plan is for. */
    public record Project(String name, String runbook, String owner) {
    }

    /** Where evidence goes; {@code url} null means the embedded SQLite default. */
    public record LedgerConfig(Secret url) {
    }

    /**
     * A named environment (staging, production), its hosts, how to reach its {@code ssh://} hosts
     * (null: OpenSSH's defaults) and its servers' connections. What a capability adds to an
     * environment (audit's requirements) is in that capability's section model.
     */
    public record Environment(String name, List<Host> hosts, SshOptions ssh, Connections connections) {
        public Environment {
            hosts = List.copyOf(hosts);
            connections = connections == null ? Connections.NONE : connections;
        }
    }

    /** A server endpoint (database, cache) with its credentials; the password is a secret. */
    public record Endpoint(String host, int port, String user, Secret password, String database) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** The servers of an environment the audit asks for their version; absent ones are null. */
    public record Connections(Endpoint mysql, Endpoint redis) {
        public static final Connections NONE = new Connections(null, null);
    }

    /** One machine of an environment. */
    public record Host(String name, HostUri uri, List<String> tags) {
        public Host {
            tags = List.copyOf(tags);
        }
    }
}
