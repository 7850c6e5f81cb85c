package dev.preflight.plan;

import dev.preflight.core.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of the plan file for editor completion. It covers what the loader
 * models in detail; sections of capabilities not yet modelled accept any mapping or list.
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
        props.put("waivers", Map.of("type", "array", "items", object(Map.of(
                "requirement", str("A requirement's name (or tool) in this plan."),
                "hosts", strings("Host names or globs."),
                "reason", str("Why the failure is accepted."),
                "owner", str("Who owns the waiver."),
                "expires", Map.of("type", "string", "format", "date", "description", "Last day it applies.")),
                List.of("requirement", "hosts", "reason", "owner", "expires"))));
        for (String k : PlanLoader.TOP_LEVEL.subList(6, PlanLoader.TOP_LEVEL.size())) {
            props.put(k, k.equals("cutover") ? cutover() : Map.of("type", List.of("object", "array"),
                    "description", "Runbook section '" + k + "' (details validated when its capability lands)."));
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

    /** The blue/green cutover (runbook §4.2); docs/plan-reference.md explains each key. */
    private static Map<String, Object> cutover() {
        Map<String, Object> check = object(Map.of("name", str("Check name."), "url", str("http(s) URL to GET."),
                "status", Map.of("type", "integer"), "max_latency", str("e.g. 2s."),
                "contains", str("Text the response must contain.")), List.of("url"));
        Map<String, Object> side = object(Map.of("name", str("Stack name."), "health_url", str("Health URL (HTTP 200)."),
                "servers", strings("nginx: upstream host:port; haproxy: server names of the backend."),
                "marker", str("Text a response of this colour contains (default the name).")), List.of("name", "health_url"));
        Map<String, Object> lb = new LinkedHashMap<>();
        lb.put("type", Map.of("enum", List.of("nginx", "haproxy", "command")));
        lb.put("include_file", str("nginx: the upstream include file, rewritten atomically."));
        lb.put("upstream", str("nginx: the upstream block's name."));
        lb.put("nginx", strings("nginx: argv prefix for -t and -s reload (default [nginx])."));
        lb.put("socket", str("haproxy: admin socket (stats socket ... level admin)."));
        lb.put("backend", str("haproxy: the backend whose servers are blue and green."));
        for (String k : List.of("switch_to_blue", "switch_to_green", "verify_blue", "verify_green")) {
            lb.put(k, strings("command: argv."));
        }
        lb.put("verify_url", str("URL through the load balancer that shows which colour answers."));
        lb.put("verify_settle", str("How long only the target colour must answer (default 1s)."));
        lb.put("verify_timeout", str("Give up verifying after (default 30s)."));
        Map<String, Object> db = object(Map.of("host", str("Host."), "port", Map.of("type", "integer"),
                "user", str("User."), "password", str("Use ${ENV_VAR}."), "database", str("Database.")),
                List.of("host", "database"));
        Map<String, Object> monitor = object(Map.of("name", str("Name."), "url", str("URL."),
                "samples", Map.of("type", "integer"), "max_error_rate", Map.of("type", "number"),
                "max_latency", str("p95 limit, e.g. 2s.")), List.of("url"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("environment", str("The environment being cut over."));
        p.put("blue", side);
        p.put("green", side);
        p.put("load_balancer", object(lb, List.of("type")));
        p.put("prepare", object(Map.of("checks", Map.of("type", "array", "items", check),
                "workers", strings("argv; exit 0 when green's workers are up.")), List.of()));
        p.put("replica", db);
        p.put("expand", object(Map.of("command", strings("Expand migrations argv."), "dir", str("Working directory."),
                "table", str("Migrations table (default migrations)."), "migrations_dir", str("Migration files."),
                "contract_pattern", str("Regex naming contract migrations.")), List.of("command")));
        p.put("promote", object(Map.of("lag_query", str("Default SHOW REPLICA STATUS."), "max_lag", Map.of("type", "integer"),
                "sql", strings("Default [SET GLOBAL read_only=OFF]."), "verify_query", str("Default SELECT @@global.read_only."),
                "verify_expect", str("Default 0.")), List.of()));
        p.put("smoke", Map.of("type", "array", "items", check));
        p.put("stable", object(Map.of("window", str("Default 24h."), "policy", Map.of("enum", List.of("alert", "failback")),
                "interval", str("Default 1m."), "checks", Map.of("type", "array", "items", monitor),
                "commands", Map.of("type", "array", "items", Map.of("type", "array", "items", Map.of("type", "string")))),
                List.of()));
        p.put("contract", object(Map.of("command", strings("Contract migrations argv (the point of no return)."),
                "dir", str("Working directory.")), List.of("command")));
        p.put("failback_bound", str("Default 5m."));
        p.put("backup_max_age", str("Default 24h."));
        Map<String, Object> out = object(p, List.of("environment", "blue", "green", "load_balancer"));
        out.put("description", "Blue/green cutover (runbook §4.2).");
        return out;
    }

    private static Map<String, Object> str(String description) {
        return Map.of("type", "string", "description", description);
    }

    private static Map<String, Object> strings(String description) {
        return Map.of("type", "array", "items", Map.of("type", "string"), "description", description);
    }

    private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
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
