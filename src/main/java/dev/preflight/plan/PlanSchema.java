package dev.preflight.plan;

import static dev.preflight.plan.Shape.duration;
import static dev.preflight.plan.Shape.flag;
import static dev.preflight.plan.Shape.listOf;
import static dev.preflight.plan.Shape.obj;
import static dev.preflight.plan.Shape.optional;
import static dev.preflight.plan.Shape.port;
import static dev.preflight.plan.Shape.required;
import static dev.preflight.plan.Shape.strings;
import static dev.preflight.plan.Shape.text;

import dev.preflight.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of the plan file, made from the same {@link Shape}s the loader
 * and every {@link SectionParser} check keys with: the core sections' shapes are here, each other
 * section's comes from its parser. A section without a parser accepts any mapping or list.
 */
public final class PlanSchema {
    /** {@code project}. */
    public static final Shape.Obj PROJECT = obj(null,
            required("name", text("Project name, e.g. academy.")),
            optional("runbook", text("URL of the runbook (linked from the CAB ticket).")),
            optional("owner", text("Owning team.")));
    /** {@code ledger}. */
    public static final Shape.Obj LEDGER = obj(null,
            optional("url", text("sqlite:PATH or jdbc:postgresql://...; default .preflight/ledger.db beside the plan.")));
    /** {@code environments[].hosts[]}. */
    public static final Shape.Obj HOST = obj(null,
            required("name", text("Host name, unique in its environment.")),
            required("uri", new Shape.Text("local or ssh://user@host:port", "^(local|ssh://[^:@/]+@[^/]+)$")),
            optional("tags", strings("Tags requirements can select hosts by.")));
    /** {@code environments[].ssh}. */
    public static final Shape.Obj SSH = obj(null,
            optional("known_hosts", text("OpenSSH known_hosts file (default ~/.ssh/known_hosts).")),
            optional("identity_files", strings("Unencrypted private keys offered for public-key auth.")),
            optional("strict_host_key_checking", flag("true (default): unknown or changed host keys are refused.")),
            optional("login_shell", flag("Run probes under bash -lc.")),
            optional("connect_timeout", duration("Connect + authenticate limit per host, e.g. 10s.")));
    /** {@code environments[].connections.redis}. */
    public static final Shape.Obj REDIS_ENDPOINT = obj(null,
            required("host", text("Server host.")),
            optional("port", port("Port.")),
            optional("user", text("User.")),
            optional("password", text("Password; use ${ENV_VAR} or ${file:...}.")));
    /** {@code environments[].connections.mysql}. */
    public static final Shape.Obj MYSQL_ENDPOINT = obj(null,
            required("host", text("Server host.")),
            optional("port", port("Port.")),
            optional("user", text("User.")),
            optional("password", text("Password; use ${ENV_VAR} or ${file:...}.")),
            optional("database", text("Database.")));
    /** {@code environments[].connections}. */
    public static final Shape.Obj CONNECTIONS = obj(null,
            optional("mysql", MYSQL_ENDPOINT), optional("redis", REDIS_ENDPOINT));
    /** {@code environments[]}: the fields every capability shares, before those the capabilities add. */
    private static final List<Shape.Field> ENVIRONMENT_HEAD = List.of(
            required("name", text("Environment name, e.g. staging or production.")),
            optional("hosts", listOf(HOST, "Hosts audited over SSH (or local).")),
            optional("ssh", SSH));
    /** {@code environments[].connections}, after the fields the capabilities add. */
    private static final Shape.Field ENVIRONMENT_CONNECTIONS = optional("connections", CONNECTIONS);

    private PlanSchema() {
    }

    /**
     * {@code environments[]}: name, hosts and ssh, then the fields the section parsers add to an
     * environment (audit's requirements), then connections: the order the reference documents.
     */
    static Shape.Obj environment(Map<String, SectionParser<?>> parsers) {
        List<Shape.Field> fields = new ArrayList<>(ENVIRONMENT_HEAD);
        parsers.values().forEach(p -> fields.addAll(p.environmentFields()));
        fields.add(ENVIRONMENT_CONNECTIONS);
        return new Shape.Obj(null, fields, null, Map.of());
    }

    /** The core sections by key (those {@link PlanLoader} reads itself). */
    static Map<String, Shape> core(Map<String, SectionParser<?>> parsers) {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("version", new Shape.Choice(List.of("1"), "Plan format version."));
        m.put("project", PROJECT);
        m.put("ledger", LEDGER);
        m.put("environments", listOf(environment(parsers), "Environments and their hosts."));
        return m;
    }

    /** The whole plan's shape: core sections, then each section's parser's shape, in the runbook's order. */
    public static Shape.Obj plan() {
        Map<String, SectionParser<?>> parsers = PlanLoader.parsers();
        Map<String, Shape> core = core(parsers);
        List<Shape.Field> fields = new ArrayList<>();
        for (String k : PlanLoader.TOP_LEVEL) {
            SectionParser<?> p = parsers.get(k);
            Shape s = core.containsKey(k) ? core.get(k) : p != null ? p.shape()
                    : Shape.any("Runbook section '" + k + "' (validated by Preflight; see docs/plan-reference.md).");
            fields.add(new Shape.Field(k, s, k.equals("version") || k.equals("project")));
        }
        return new Shape.Obj("Preflight plan (preflight.yaml), version 1", fields, null, Map.of());
    }

    public static String json() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("title", "Preflight plan (preflight.yaml), version 1");
        schema.putAll(plan().schema());
        schema.remove("description");
        return Json.pretty(schema) + "\n";
    }
}
