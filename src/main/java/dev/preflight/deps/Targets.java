package dev.preflight.deps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the upgrade moves to: Composer packages ({@code laravel/framework=11.*}), {@code php} and
 * {@code node}. A bare version with one or two parts ({@code 8.3}, {@code 11}) means its release
 * line ({@code 8.3.*}, {@code 11.*}) for Composer targets and PHP: "PHP 8.3" in a runbook is the
 * 8.3 series, while Composer's own {@code 8.3} would be exactly 8.3.0. Node targets are npm ranges,
 * where {@code 20} already is the release line.
 *
 * @param given    the targets as written, name to value
 * @param composer Composer package targets, name to range
 * @param php      the PHP target range, or null
 * @param node     the Node target range, or null
 * @param readAs   how widened values were read, for the report ({@code php: 8.3 read as 8.3.*})
 */
public record Targets(Map<String, String> given, Map<String, ComposerConstraint> composer, ComposerConstraint php,
                      NpmRange node, List<String> readAs) {
    private static final Pattern SHORT = Pattern.compile("^v?\\d+(\\.\\d+)?$");

    public Targets {
        given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
        composer = Collections.unmodifiableMap(new LinkedHashMap<>(composer));
        readAs = List.copyOf(readAs);
    }

    /** Parses name to value; an {@link IllegalArgumentException} names the bad entry. */
    public static Targets parse(Map<String, String> given) {
        Map<String, ComposerConstraint> composer = new LinkedHashMap<>();
        ComposerConstraint php = null;
        NpmRange node = null;
        List<String> readAs = new ArrayList<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            String name = e.getKey().strip();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("target " + name + " has no version");
            }
            if (name.equals("node")) {
                node = NpmRange.parse(value);
                continue;
            }
            if (!name.equals("php") && !name.matches("[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*")) {
                throw new IllegalArgumentException("unknown target '" + name + "': use php, node, or a Composer package "
                        + "name such as laravel/framework");
            }
            String read = value;
            if (SHORT.matcher(value).matches()) {
                read = value + ".*";
                readAs.add(name + " " + value + " read as " + read + " (the release line)");
            }
            ComposerConstraint c = ComposerConstraint.parse(read);
            if (name.equals("php")) {
                php = c;
            } else {
                composer.put(name, c);
            }
        }
        return new Targets(given, composer, php, node, readAs);
    }

    /** Parses {@code NAME=VALUE} strings from the command line. */
    public static Targets parse(List<String> specs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--target '" + s + "' is not NAME=VERSION");
            }
            String name = s.substring(0, eq).strip();
            if (m.containsKey(name)) {
                throw new IllegalArgumentException("--target " + name + " given twice");
            }
            m.put(name, s.substring(eq + 1));
        }
        return parse(m);
    }

    public boolean isEmpty() {
        return composer.isEmpty() && php == null && node == null;
    }

    /** How the targets read, for the report: {@code laravel/framework 11.*, php 8.3.*, node 20}. */
    public Map<String, String> labels() {
        Map<String, String> out = new LinkedHashMap<>();
        composer.forEach((k, v) -> out.put(k, v.pretty()));
        if (php != null) {
            out.put("php", php.pretty());
        }
        if (node != null) {
            out.put("node", node.pretty());
        }
        return out;
    }
}
