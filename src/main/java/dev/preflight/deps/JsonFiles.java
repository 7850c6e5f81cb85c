package dev.preflight.deps;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Reads the JSON files the dependency review looks at (composer.json, composer.lock, package.json,
 * package-lock.json, Packagist metadata) into records. Truncated JSON and values of the wrong type
 * become a usage error (exit 2) that names the file, the line and column Jackson stopped at, and the
 * JSON path, so the user can open the file at the right place.
 */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // PHP writes an empty object as [] ("require": []): accept it as "nothing".
            .enable(DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT)
            .build();

    private JsonFiles() {
    }

    /** The mapper used for these files (lenient about unknown keys, strict about types). */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads {@code file} as {@code type}; any problem is a {@link PreflightException} with file:line:col. */
    public static <T> T read(Path file, Class<T> type) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PreflightException(ExitCode.USAGE, file + ": file not found", null, e);
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE, file + ": cannot read (" + Errors.describe(e) + ")", null, e);
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new PreflightException(ExitCode.USAGE, file + ": empty file (expected a JSON object)", null);
            }
            return value;
        } catch (MismatchedInputException e) {
            throw new PreflightException(ExitCode.USAGE, where(file, e.getLocation()) + ": "
                    + path(e) + ": wrong type: expected " + expected(e.getTargetType())
                    + found(e.getProcessor() instanceof JsonParser jp ? jp.currentToken() : null)
                    + " (this file does not have the shape of a "
                    + file.getFileName() + ")", "fix the file, or regenerate it with composer/npm", e);
        } catch (ValueInstantiationException e) {
            // Valid JSON whose values our records refuse: a null where a list holds entries.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PreflightException(ExitCode.USAGE, where(file, e.getLocation()) + ": " + path(e) + ": "
                    + (cause instanceof NullPointerException ? "holds null where an entry is expected"
                    : "cannot be read (" + Errors.describe(cause) + ")") + " (this file does not have the shape of a "
                    + file.getFileName() + ")", "fix the file, or regenerate it with composer/npm", e);
        } catch (JsonProcessingException e) {
            // Truncated or broken syntax; during data binding Jackson may wrap it in a mapping exception.
            JsonProcessingException cause = e.getCause() instanceof JsonProcessingException c ? c : e;
            JsonLocation loc = cause.getLocation() != null ? cause.getLocation() : e.getLocation();
            throw new PreflightException(ExitCode.USAGE, where(file, loc) + ": not valid JSON: "
                    + clean(cause.getOriginalMessage()), "the file looks truncated or hand-edited; regenerate it", e);
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE, file + ": cannot read (" + Errors.describe(e) + ")", null, e);
        }
    }

    /**
     * Where the value at {@code path} (object keys as strings, list indexes as integers) starts in
     * {@code file}: {@code file:line:col}, or just the file when it cannot be found or read again.
     * For problems found in the records after reading, which no longer know their position.
     */
    static String position(Path file, Object... path) {
        try (JsonParser p = MAPPER.getFactory().createParser(Files.readAllBytes(file))) {
            JsonToken t = p.nextToken();
            for (Object step : path) {
                if (step instanceof String key && t == JsonToken.START_OBJECT) {
                    while ((t = p.nextToken()) == JsonToken.FIELD_NAME && !key.equals(p.currentName())) {
                        p.nextToken();
                        p.skipChildren();
                    }
                    if (t != JsonToken.FIELD_NAME) {
                        return file.toString();
                    }
                    t = p.nextToken();
                } else if (step instanceof Integer index && t == JsonToken.START_ARRAY) {
                    t = p.nextToken();
                    for (int i = 0; i < index && t != null && t != JsonToken.END_ARRAY; i++) {
                        p.skipChildren();
                        t = p.nextToken();
                    }
                    if (t == null || t == JsonToken.END_ARRAY) {
                        return file.toString();
                    }
                } else {
                    return file.toString();
                }
            }
            return where(file, p.currentTokenLocation());
        } catch (IOException e) {
            return file.toString();
        }
    }

    /** The JSON path Jackson was reading ({@code packages[0].require}), or "the document". */
    private static String path(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                : "[" + r.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "the document" : path;
    }

    /** What Jackson wanted, in words: "a list", "an object", "a string"... */
    private static String expected(Class<?> c) {
        if (c == null) {
            return "another kind of value";
        }
        if (Collection.class.isAssignableFrom(c) || c.isArray()) {
            return "a list";
        }
        if (CharSequence.class.isAssignableFrom(c)) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(c) || (c.isPrimitive() && c != boolean.class)) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    /** What was there instead, from the token the parser stopped at. */
    private static String found(JsonToken t) {
        if (t == null) {
            return "";
        }
        return switch (t) {
            case START_OBJECT -> ", found an object";
            case START_ARRAY -> ", found a list";
            case VALUE_STRING -> ", found a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ", found a number";
            case VALUE_TRUE, VALUE_FALSE -> ", found true/false";
            case VALUE_NULL -> ", found null";
            default -> "";
        };
    }

    private static String where(Path file, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return file.toString();
        }
        return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
    }

    /** The first line of Jackson's message, with its source/location noise turned into "line:col". */
    private static String clean(String s) {
        return Errors.withoutClassNames(firstLine(s)
                .replaceAll("\\[Source: [^;]*; line: (\\d+), column: (\\d+)]", "$1:$2"));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
