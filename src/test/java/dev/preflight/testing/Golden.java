package dev.preflight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.preflight.core.AtomicFiles;
import dev.preflight.report.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares rendered output with a golden file under {@code src/test/resources/golden/}, so a
 * renderer's output is pinned byte for byte before code moves. {@code -Dgolden.update=true}
 * rewrites the files instead of comparing (review the diff before committing it); a missing file
 * fails with that hint rather than being created silently. Read from the source tree, not the
 * class path, so an update is seen by the next run without a rebuild.
 */
public final class Golden {
    /** Set to {@code true} to rewrite golden files from the current output. */
    public static final String UPDATE = "golden.update";

    private final Map<Pattern, String> replacements = new LinkedHashMap<>();
    /** Patterns whose distinct matches become numbered placeholders (order of first appearance). */
    private final Map<Pattern, String> numbered = new LinkedHashMap<>();

    private Golden() {
    }

    /** A checker that normalises nothing. */
    public static Golden exact() {
        return new Golden();
    }

    /**
     * A copy that also replaces every occurrence of {@code literal} (e.g. a {@code @TempDir} path)
     * with {@code placeholder}; only what truly varies between runs should be replaced.
     */
    public Golden replacing(String literal, String placeholder) {
        return replacingPattern(Pattern.compile(Pattern.quote(literal)), placeholder);
    }

    /**
     * A copy that hides what a report measures about the run itself rather than renders: JUnit's
     * suite timestamp and hostname and every measured probe time. Configured durations stay pinned.
     */
    public Golden measured() {
        return replacingRegex("timestamp=\"[^\"]*\"", "timestamp=\"<timestamp>\"")
                .replacingRegex("hostname=\"[^\"]*\"", "hostname=\"<hostname>\"")
                .replacingRegex(" time=\"[0-9.]+\"", " time=\"<seconds>\"")
                .replacingRegex("\\([0-9]+\\.[0-9]{3} s\\)", "(<seconds>)");
    }

    /** A copy that also replaces every match of {@code regex} with {@code placeholder} (group refs allowed). */
    public Golden replacingRegex(String regex, String placeholder) {
        return replacingPattern(Pattern.compile(regex), placeholder);
    }

    /**
     * A copy that replaces each distinct match of {@code regex} with {@code <label-N>}, N counting
     * distinct values in order of first appearance, so values that vary between runs (random ids,
     * the hashes that cover them) are hidden while which one equals which stays pinned.
     */
    public Golden numbering(String regex, String label) {
        Golden g = copy();
        g.numbered.put(Pattern.compile(regex), label);
        return g;
    }

    private Golden replacingPattern(Pattern p, String placeholder) {
        Golden g = copy();
        g.replacements.put(p, placeholder);
        return g;
    }

    private Golden copy() {
        Golden g = new Golden();
        g.replacements.putAll(replacements);
        g.numbered.putAll(numbered);
        return g;
    }

    /** Applies the replacements in the order they were added. */
    public String normalise(String text) {
        String out = text;
        for (Map.Entry<Pattern, String> e : replacements.entrySet()) {
            out = e.getKey().matcher(out).replaceAll(e.getValue());
        }
        for (Map.Entry<Pattern, String> e : numbered.entrySet()) {
            Map<String, String> seen = new LinkedHashMap<>();
            out = e.getKey().matcher(out).replaceAll(m -> Matcher.quoteReplacement(
                    seen.computeIfAbsent(m.group(), k -> "<" + e.getValue() + "-" + (seen.size() + 1) + ">")));
        }
        return out;
    }

    /** Asserts that {@code actual} (normalised) equals the golden file {@code name} (e.g. {@code audit/report.txt}). */
    public void check(String name, String actual) {
        String text = normalise(actual);
        Path file = dir().resolve(name);
        if (Boolean.getBoolean(UPDATE)) {
            try {
                Files.createDirectories(file.getParent());
                AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        if (!Files.isRegularFile(file)) {
            fail("golden file " + file + " does not exist; run this test with -D" + UPDATE
                    + "=true to write it from the current output, review it, and commit it");
        }
        String expected;
        try {
            expected = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(text).as("output differs from golden file %s (if the change is intended, rerun with -D%s=true "
                + "and review the diff)", file, UPDATE).isEqualTo(expected);
    }

    /** The file extension golden files of a format use, so editors show them properly. */
    public static String ext(Format f) {
        return switch (f) {
            case TEXT -> ".txt";
            case JSON -> ".json";
            case MARKDOWN -> ".md";
            case JUNIT -> ".xml";
            case HTML -> ".html";
        };
    }

    /** The golden directory in the source tree (Maven runs tests in the project directory). */
    public static Path dir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("src/test/resources/golden");
    }
}
