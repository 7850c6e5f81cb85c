package dev.preflight.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Shared JSON mappers. {@link #canonical(Object)} gives the stable encoding (sorted keys, no
 * insignificant whitespace) that hashes are computed over, so the same data always hashes the same.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .findAndAddModules()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /** Reads what was stored earlier: unknown fields skipped, enum values in any case (an unknown one null). */
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private Json() {
    }

    /**
     * A JSON object read into {@code type} leniently, as pages read stored evidence: fields the type
     * does not know are skipped; empty when the tree is not an object or does not fit the type.
     */
    public static <T> Optional<T> readLenient(JsonNode tree, Class<T> type) {
        if (tree == null || !tree.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(LENIENT.treeToValue(tree, type));
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The general-purpose mapper (thread-safe once configured, which it is here). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Canonical compact JSON: object keys sorted at every depth. */
    public static String canonical(Object value) {
        try {
            JsonNode tree = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be encoded as JSON: " + Errors.describe(e), e);
        }
    }

    /** Pretty-printed JSON for people. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be encoded as JSON: " + Errors.describe(e), e);
        }
    }

    /**
     * A map of key, value pairs kept in the order given: {@code Map.of} iterates in an order that
     * changes from one JVM to the next, so reports built from it were not reproducible.
     */
    public static Map<String, Object> fields(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key, value pairs expected");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String why = Errors.describe(e);
            throw new IllegalArgumentException(why.startsWith("not valid JSON") ? why : "not valid JSON: " + why, e);
        }
    }
}
