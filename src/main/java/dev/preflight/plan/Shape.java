package dev.preflight.plan;

import dev.preflight.core.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared shape of a part of the plan: one description that a parser's key checks
 * ({@link PlanReader#keys(org.snakeyaml.engine.v2.nodes.MappingNode, String, Shape.Obj)}) and the
 * published JSON Schema ({@code preflight schema}) both read, so the two cannot drift. It says what
 * a schema can (keys, required keys, types, enumerations, patterns); cross-references and ranges
 * stay in the parser. Scalars the parser reads as text accept any YAML scalar (an unquoted
 * {@code 20} is the text "20"), and every typed scalar accepts a {@code ${...}} interpolation,
 * whose value is only known when the plan is loaded.
 */
public sealed interface Shape {
    /** A JSON Schema (draft 2020-12) fragment for this shape. */
    Map<String, Object> schema();

    /** Matches a value that interpolates ({@code ${VAR}}, {@code ${file:...}}): typed only at load time. */
    String INTERPOLATED = "\\$\\{";

    /** Text: any scalar, read as a string; {@code pattern} (may be null) is what a literal must match. */
    record Text(String description, String pattern) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            if (pattern == null) {
                m.put("type", List.of("string", "number", "boolean"));
                return m;
            }
            m.put("anyOf", List.of(Json.fields("type", "string", "pattern", pattern), interpolation()));
            return m;
        }
    }

    /** A whole number within bounds, literal or quoted. */
    record Whole(long min, long max, String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("type", "integer");
            n.put("minimum", min);
            n.put("maximum", max);
            m.put("anyOf", List.of(n, Json.fields("type", "string", "pattern", "^\\s*[-+]?[0-9]+\\s*$"), interpolation()));
            return m;
        }
    }

    /** A decimal number within bounds, literal or quoted. */
    record Decimal(double min, double max, String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("type", "number");
            n.put("minimum", min);
            n.put("maximum", max);
            m.put("anyOf", List.of(n, Json.fields("type", "string",
                    "pattern", "^\\s*[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$"), interpolation()));
            return m;
        }
    }

    /** {@code true} or {@code false} (YAML 1.1's yes/no/on/off are refused). */
    record Flag(String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            m.put("anyOf", List.of(Map.of("type", "boolean"), Map.of("enum", List.of("true", "false")), interpolation()));
            return m;
        }
    }

    /** One of a fixed list of words. */
    record Choice(List<String> values, String description) implements Shape {
        public Choice {
            values = List.copyOf(values);
        }

        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            List<Object> allowed = new ArrayList<>(values);
            for (String v : values) {
                if (v.matches("[0-9]+")) {
                    allowed.add(Long.parseLong(v)); // an unquoted 2 is the word "2"
                }
            }
            m.put("anyOf", List.of(Map.of("enum", allowed), interpolation()));
            return m;
        }
    }

    /** A list of text values. */
    record Strings(String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            m.put("type", "array");
            m.put("items", new Text(null, null).schema());
            return m;
        }
    }

    /** A program: an argv list, or one string naming the program alone (never split on spaces). */
    record Command(String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            m.put("anyOf", List.of(Map.of("type", List.of("string", "number", "boolean")),
                    Json.fields("type", "array", "items", new Text(null, null).schema())));
            return m;
        }
    }

    /** A list whose items all have one shape. */
    record ListOf(Shape item, String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            m.put("type", "array");
            m.put("items", item.schema());
            return m;
        }
    }

    /** A mapping with keys the user chooses (environment names, package names) and values of one shape. */
    record MapOf(Shape value, String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            m.put("type", "object");
            m.put("additionalProperties", value.schema());
            return m;
        }
    }

    /** Anything the parser checks itself (e.g. keys that depend on the rest of the plan). */
    record Any(String description) implements Shape {
        @Override
        public Map<String, Object> schema() {
            return describe(description);
        }
    }

    /** What one value of an object's discriminating field allows and requires beyond the object's own rules. */
    record Variant(List<String> allowed, List<String> required) {
        public Variant {
            allowed = List.copyOf(allowed);
            required = List.copyOf(required);
        }
    }

    /** One declared key of an {@link Obj}. */
    record Field(String name, Shape shape, boolean required) {
    }

    /**
     * A closed mapping: only its fields' keys are allowed, the required ones must be present.
     * {@code variants} (may be empty) narrow the allowed keys by the value of a discriminating
     * field, e.g. a destination's {@code type: local} allows only {@code name, type, path}.
     */
    record Obj(String description, List<Field> fields, String discriminator, Map<String, Variant> variants)
            implements Shape {
        public Obj {
            fields = List.copyOf(fields);
            variants = variants == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        }

        /** The allowed keys, in the order they are documented. */
        public List<String> keys() {
            return fields.stream().map(Field::name).toList();
        }

        /** The keys that must be present. */
        public List<String> required() {
            return fields.stream().filter(Field::required).map(Field::name).toList();
        }

        /** The keys a variant allows (all keys when there are no variants or the value is unknown). */
        public List<String> keys(String variant) {
            Variant v = variants.get(variant);
            return v == null ? keys() : v.allowed();
        }

        /** The shape of one field; an {@link IllegalArgumentException} for an undeclared one. */
        public Shape field(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).findFirst().map(Field::shape)
                    .orElseThrow(() -> new IllegalArgumentException("no field " + name));
        }

        /** This object with its variants: by the value of {@code discriminator}, the keys allowed and required. */
        public Obj withVariants(String discriminator, Map<String, Variant> variants) {
            return new Obj(description, fields, discriminator, variants);
        }

        @Override
        public Map<String, Object> schema() {
            Map<String, Object> m = describe(description);
            m.put("type", "object");
            m.put("additionalProperties", false);
            Map<String, Object> props = new LinkedHashMap<>();
            fields.forEach(f -> props.put(f.name(), f.shape().schema()));
            m.put("properties", props);
            if (!required().isEmpty()) {
                m.put("required", required());
            }
            if (!variants.isEmpty()) {
                List<Object> rules = new ArrayList<>();
                variants.forEach((value, v) -> {
                    Map<String, Object> then = new LinkedHashMap<>();
                    then.put("propertyNames", Map.of("enum", v.allowed()));
                    if (!v.required().isEmpty()) {
                        then.put("required", v.required());
                    }
                    rules.add(Json.fields("if", Json.fields("properties", Map.of(discriminator, Map.of("const", value)),
                            "required", List.of(discriminator)), "then", then));
                });
                m.put("allOf", rules);
            }
            return m;
        }
    }

    // ---- builders, so a section's description reads like its reference table

    static Obj obj(String description, Field... fields) {
        return new Obj(description, List.of(fields), null, Map.of());
    }

    static Field optional(String name, Shape shape) {
        return new Field(name, shape, false);
    }

    static Field required(String name, Shape shape) {
        return new Field(name, shape, true);
    }

    static Text text(String description) {
        return new Text(description, null);
    }

    /** A duration such as {@code 30s}, {@code 1h30m} or {@code 7d}. */
    static Text duration(String description) {
        return new Text(description, "^\\s*([0-9]+(ms|s|m|h|d|w))+\\s*$");
    }

    /** A date, {@code YYYY-MM-DD}. */
    static Text date(String description) {
        return new Text(description, "^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\\s*$");
    }

    /** An ISO timestamp with offset, e.g. {@code 2027-01-09T01:00:00Z}. */
    static Text timestamp(String description) {
        return new Text(description, "^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})\\s*$");
    }

    static Whole whole(long min, long max, String description) {
        return new Whole(min, max, description);
    }

    static Whole port(String description) {
        return new Whole(1, 65535, description);
    }

    static Decimal decimal(double min, double max, String description) {
        return new Decimal(min, max, description);
    }

    static Flag flag(String description) {
        return new Flag(description);
    }

    static Choice choice(String description, String... values) {
        return new Choice(List.of(values), description);
    }

    static Strings strings(String description) {
        return new Strings(description);
    }

    static Command command(String description) {
        return new Command(description);
    }

    static ListOf listOf(Shape item, String description) {
        return new ListOf(item, description);
    }

    static MapOf mapOf(Shape value, String description) {
        return new MapOf(value, description);
    }

    static Any any(String description) {
        return new Any(description);
    }

    private static Map<String, Object> describe(String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (description != null) {
            m.put("description", description);
        }
        return m;
    }

    private static Map<String, Object> interpolation() {
        return Json.fields("type", "string", "pattern", INTERPOLATED);
    }
}
