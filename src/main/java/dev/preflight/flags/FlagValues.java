package dev.preflight.flags;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.preflight.core.Errors;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags JSON object of one dotenv value, read with Jackson's streaming parser so that every
 * field keeps its position in the value (for {@code file:line:col} problems and for splicing a new
 * literal in place). Immutable.
 *
 * @param fields flag name to field, in the order the value writes them
 */
public record FlagValues(Map<String, Field> fields) {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    public FlagValues {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * One {@code "name": value} member; offsets are character offsets in the JSON text.
     *
     * @param value the boolean, or null when the value is not a boolean
     * @param found how a non-boolean value looks (for messages)
     */
    public record Field(String name, Boolean value, String found, int keyOffset, int valueStart, int valueEnd) {
    }

    /** Why the text is not a JSON object, and where (character offset in the text). */
    public static final class JsonProblem extends Exception {
        private static final long serialVersionUID = 1L;
        private final int offset;

        JsonProblem(int offset, String message) {
            super(message);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /** Reads {@code json}, which must be exactly one JSON object; duplicate names are refused. */
    public static FlagValues parse(String json) throws JsonProblem {
        if (json.isBlank()) {
            throw new JsonProblem(0, "the value is empty; expected a JSON object such as {\"communities\": false}");
        }
        Map<String, Field> out = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new JsonProblem(offset(p), "expected a JSON object such as {\"communities\": false}, got "
                        + describe(p, t));
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int keyOffset = offset(p);
                if (out.containsKey(name)) {
                    throw new JsonProblem(keyOffset, "flag '" + name + "' appears twice in the object");
                }
                JsonToken v = p.nextToken();
                int start = offset(p);
                if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                    out.put(name, new Field(name, v == JsonToken.VALUE_TRUE, null, keyOffset, start,
                            start + (v == JsonToken.VALUE_TRUE ? 4 : 5)));
                } else {
                    String found = describe(p, v);
                    p.skipChildren();
                    out.put(name, new Field(name, null, found, keyOffset, start, start));
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new JsonProblem(offset(p), "malformed JSON object");
            }
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw new JsonProblem(offset(p), "unexpected text after the JSON object");
            }
        } catch (JsonProcessingException e) {
            long off = e.getLocation() == null ? 0 : e.getLocation().getCharOffset();
            throw new JsonProblem((int) Math.max(0, Math.min(off, json.length())),
                    Errors.describe(e).replaceAll("\\s+", " ")
                            .replaceFirst(" \\(line \\d+, column \\d+\\)$", "")); // the caller gives the position
        } catch (IOException e) {
            throw new JsonProblem(0, "cannot read the JSON: " + Errors.describe(e));
        }
        return new FlagValues(out);
    }

    private static int offset(JsonParser p) {
        return (int) p.currentTokenLocation().getCharOffset();
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> "the string \"" + p.getText() + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> p.getText();
        };
    }
}
