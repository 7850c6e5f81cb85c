package dev.preflight.plan;

import dev.preflight.core.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of the plan file for editor completion. It covers what the loader
 * models in detail; a section whose parser does not describe itself accepts any mapping or list.
 */
public final class PlanSchema {
    private PlanSchema() {
    }

    public static String json() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("version", Map.of("const", 1, "description", "Plan format version."));
        props.put("project", object(Map.of(
                "name", str("Project name, e.g. academy."),
                "runbook", str("URL of the runbook (linked from the CAB ticket)."),
                "owner", str("Owning team.")), List.of("name")));
        props.put("ledger", object(Map.of("url", str("sqlite:PATH or jdbc:postgresql://...; "
                + "default .preflight/ledger.db beside the plan.")), List.of()));
        Map<String, Object> host = object(Map.of(
                "name", str("Host name, unique in its environment."),
                "uri", Map.of("type", "string", "pattern", "^(local|ssh://[^:@/]+@[^/]+)$",
                        "description", "local or ssh://user@host:port"),
                "tags", Map.of("type", "array", "items", Map.of("type", "string"))), List.of("name", "uri"));
        Map<String, Object> envProps = new LinkedHashMap<>();
        envProps.put("name", str("Environment name, e.g. staging or production."));
        envProps.put("hosts", Map.of("type", "array", "items", host));
        Map<String, Object> ssh = new LinkedHashMap<>();
        ssh.put("known_hosts", str("OpenSSH known_hosts file (default ~/.ssh/known_hosts)."));
        ssh.put("identity_files", strings("Unencrypted private keys offered for public-key auth."));
        ssh.put("strict_host_key_checking", Map.of("type", "boolean", "description",
                "true (default): unknown or changed host keys are refused."));
        ssh.put("login_shell", Map.of("type", "boolean", "description", "Run probes under bash -lc."));
        ssh.put("connect_timeout", str("Connect + authenticate limit per host, e.g. 10s."));
        envProps.put("ssh", object(ssh, List.of()));
        Map<String, Object> requirement = new LinkedHashMap<>();
        requirement.put("tool", Map.of("enum", PlanLoader.TOOLS));
        requirement.put("version", str("Version constraint, e.g. 8.3, 20, '>=8.0.36 <8.1'."));
        requirement.put("name", str("Display name; required for custom tools."));
        requirement.put("flavor", Map.of("enum", List.of("mysql", "mariadb")));
        requirement.put("command", strings("Probe argv replacing the default (the tool's parser is kept)."));
        requirement.put("pattern", str("Regex with a named group 'version' replacing the parser."));
        requirement.put("hosts", strings("Host names or globs it applies to."));
        requirement.put("tags", strings("Host tags it applies to."));
        Map<String, Object> requirements = Map.of("type", "array", "items", object(requirement, List.of("tool", "version")));
        envProps.put("requirements", requirements);
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("host", str("Server host."));
        endpoint.put("port", Map.of("type", "integer", "minimum", 1, "maximum", 65535));
        endpoint.put("user", str("User."));
        endpoint.put("password", str("Password; use ${ENV_VAR} or ${file:...}."));
        Map<String, Object> mysql = new LinkedHashMap<>(endpoint);
        mysql.put("database", str("Database."));
        envProps.put("connections", object(Map.of("mysql", object(mysql, List.of("host")),
                "redis", object(endpoint, List.of("host"))), List.of()));
        props.put("environments", Map.of("type", "array", "items", object(envProps, List.of("name"))));
        props.put("requirements", requirements);
        Map<String, SectionParser<?>> parsers = PlanLoader.parsers();
        for (String k : PlanLoader.TOP_LEVEL.subList(5, PlanLoader.TOP_LEVEL.size())) {
            SectionParser<?> p = parsers.get(k);
            props.put(k, p != null ? p.schema() : Map.of("type", List.of("object", "array"),
                    "description", "Runbook section '" + k + "' (validated by Preflight; see docs/plan-reference.md)."));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("title", "Preflight plan (preflight.yaml), version 1");
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        schema.put("required", List.of("version", "project"));
        schema.put("properties", props);
        return Json.pretty(schema) + "\n";
    }

    /** A string property (helpers below are for {@link SectionParser#schema()} too). */
    public static Map<String, Object> str(String description) {
        return Map.of("type", "string", "description", description);
    }

    /**
     * A closed object whose keys are known and described, their inner shape left to Preflight's own
     * validation (which reports it with file:line:col): enough for completion in an editor.
     *
     * @param keys key, description pairs, in the order the reference documents them
     */
    public static Map<String, Object> keys(String description, List<String> required, String... keys) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keys.length; i += 2) {
            props.put(keys[i], Map.of("description", keys[i + 1]));
        }
        Map<String, Object> m = object(props, required);
        m.put("description", description);
        return m;
    }

    /** A list-of-strings property. */
    public static Map<String, Object> strings(String description) {
        return Map.of("type", "array", "items", Map.of("type", "string"), "description", description);
    }

    /** A closed object ({@code additionalProperties: false}) with these properties. */
    public static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("additionalProperties", false);
        m.put("properties", properties);
        if (!required.isEmpty()) {
            m.put("required", required);
        }
        return m;
    }
}
