package dev.preflight.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads values out of the plan's YAML node tree for the loader and for every {@link SectionParser}:
 * each accessor interpolates, checks the shape and, when something is wrong, records a
 * {@link PlanProblem} with line, column and field path and returns null, so that all problems of a
 * file are reported in one run. Not thread-safe: one reader per load.
 */
public final class PlanReader {
    private static final Pattern VAR = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private final String file;
    private final Path baseDir;
    private final Map<String, String> env;
    private final List<PlanProblem> problems = new ArrayList<>();
    private final Set<String> secretValues = new LinkedHashSet<>();

    PlanReader(String file, Path baseDir, Map<String, String> env) {
        this.file = file;
        this.baseDir = baseDir;
        this.env = env;
    }

    /** The directory relative paths in the plan resolve against. */
    public Path baseDir() {
        return baseDir;
    }

    /** Resolves a path written in the plan ({@code ~/} is the user's home, relative is against the plan). */
    public Path path(String value) {
        if (value.equals("~") || value.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(value.length() > 1 ? value.substring(2) : "");
        }
        return baseDir.resolve(value).normalize();
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    Set<String> secretValues() {
        return secretValues;
    }

    /** The keys of a mapping; unknown and duplicate keys are problems (with a did-you-mean hint). */
    public Map<String, Node> keys(MappingNode m, String path, List<String> allowed) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            String p = join(path, key);
            if (key == null) {
                problem(t.getKeyNode(), path, "keys must be plain names", null);
            } else if (!allowed.contains(key)) {
                String near = PlanLoader.nearest(key, allowed);
                problem(t.getKeyNode(), p, "unknown key '" + key + "'",
                        near != null ? "did you mean '" + near + "'?" : "allowed here: " + String.join(", ", allowed));
            } else if (out.containsKey(key)) {
                problem(t.getKeyNode(), p, "duplicate key '" + key + "'", "each key may appear once");
            } else {
                out.put(key, t.getValueNode());
            }
        }
        return out;
    }

    /** The node as a mapping, or a problem and null. */
    public MappingNode mapping(Node n, String path) {
        if (n instanceof MappingNode m) {
            return m;
        }
        problem(n, path, "expected a mapping, got " + kind(n), null);
        return null;
    }

    /** The items of a list, or a problem and an empty list; a missing node is an empty list. */
    public List<Node> sequence(Node n, String path) {
        if (n == null) {
            return List.of();
        }
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        problem(n, path, "expected a list, got " + kind(n), null);
        return List.of();
    }

    /**
     * Reads a list of mappings, each through {@code item} (given the mapping and its path); null
     * results (items with problems) are dropped.
     */
    public <T> List<T> list(Node n, String path, BiFunction<MappingNode, String, T> item) {
        List<T> out = new ArrayList<>();
        List<Node> items = sequence(n, path);
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            MappingNode m = mapping(items.get(i), p);
            if (m != null) {
                T t = item.apply(m, p);
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** A required scalar: missing or blank is a problem. */
    public String required(MappingNode parent, Map<String, Node> keys, String path, String key) {
        Node n = keys.get(key);
        String p = join(path, key);
        if (n == null) {
            problem(parent, p, "required field is missing", "add '" + key + ": ...'");
            return null;
        }
        String s = scalar(n, p);
        if (s != null && s.isBlank()) {
            problem(n, p, "must not be empty", null);
            return null;
        }
        return s;
    }

    /** An optional scalar, null when absent. */
    public String optional(Map<String, Node> keys, String path, String key) {
        Node n = keys.get(key);
        return n == null ? null : scalar(n, join(path, key));
    }

    /** An optional scalar with a default. */
    public String optional(Map<String, Node> keys, String path, String key, String dflt) {
        String s = optional(keys, path, key);
        return s == null ? dflt : s;
    }

    /** An optional value that must be one of {@code allowed}. */
    public String oneOf(Map<String, Node> keys, String path, String key, List<String> allowed, String dflt) {
        String s = optional(keys, path, key);
        if (s == null) {
            return dflt;
        }
        if (!allowed.contains(s)) {
            String near = PlanLoader.nearest(s, allowed);
            problem(keys.get(key), join(path, key), "bad value '" + s + "'",
                    (near != null ? "did you mean '" + near + "'? " : "") + "one of: " + String.join(", ", allowed));
            return null;
        }
        return s;
    }

    /** An optional whole number within bounds. */
    public Integer integer(Map<String, Node> keys, String path, String key, Integer dflt, long min, long max) {
        String s = optional(keys, path, key);
        if (s == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s.strip());
            if (v < min || v > max) {
                problem(keys.get(key), join(path, key), "out of range: " + v, "between " + min + " and " + max);
                return null;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            problem(keys.get(key), join(path, key), "expected a whole number, got '" + s + "'", null);
            return null;
        }
    }

    /** An optional decimal number within bounds. */
    public Double decimal(Map<String, Node> keys, String path, String key, Double dflt, double min, double max) {
        String s = optional(keys, path, key);
        if (s == null) {
            return dflt;
        }
        try {
            double v = Double.parseDouble(s.strip());
            if (!(v >= min && v <= max)) {
                problem(keys.get(key), join(path, key), "out of range: " + s, "between " + min + " and " + max);
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(keys.get(key), join(path, key), "expected a number, got '" + s + "'", null);
            return null;
        }
    }

    /** An optional boolean ({@code true}/{@code false} only: YAML 1.1's yes/no/on/off are refused). */
    public Boolean bool(Map<String, Node> keys, String path, String key, Boolean dflt) {
        String s = optional(keys, path, key);
        if (s == null) {
            return dflt;
        }
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem(keys.get(key), join(path, key), "expected true or false, got '" + s + "'", null);
                yield null;
            }
        };
    }

    /** An optional duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 30d}, {@code 2w}. */
    public Duration duration(Map<String, Node> keys, String path, String key, Duration dflt) {
        String s = optional(keys, path, key);
        if (s == null) {
            return dflt;
        }
        Duration d = parseDuration(s);
        if (d == null) {
            problem(keys.get(key), join(path, key), "not a duration: '" + s + "'", "e.g. 30s, 5m, 24h, 30d");
        }
        return d;
    }

    /** Parses {@code 30s}, {@code 5m}, {@code 24h}, {@code 30d}, {@code 1h30m}; null when malformed. */
    public static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.strip());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
            end = m.end();
        }
        return end == s.strip().length() && end > 0 ? total : null;
    }

    /** An optional ISO date ({@code 2027-06-30}). */
    public LocalDate date(Map<String, Node> keys, String path, String key) {
        String s = optional(keys, path, key);
        if (s == null) {
            return null;
        }
        try {
            return LocalDate.parse(s.strip());
        } catch (DateTimeParseException e) {
            problem(keys.get(key), join(path, key), "not a date: '" + s + "'", "use YYYY-MM-DD");
            return null;
        }
    }

    /** An optional ISO instant ({@code 2027-01-09T01:00:00Z}). */
    public Instant instant(Map<String, Node> keys, String path, String key) {
        String s = optional(keys, path, key);
        if (s == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            problem(keys.get(key), join(path, key), "not a timestamp: '" + s + "'", "use 2027-01-09T01:00:00Z");
            return null;
        }
    }

    /** A list of strings; a missing node is an empty list. */
    public List<String> stringList(Node n, String path) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode s)) {
            problem(n, path, "expected a list of strings, got " + kind(n), null);
            return out;
        }
        for (int i = 0; i < s.getValue().size(); i++) {
            String v = scalar(s.getValue().get(i), path + "[" + i + "]");
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * A program to run: an argv list, or one string naming the program alone (never split on
     * spaces: a plan's command never goes through a shell). Missing is an empty list.
     */
    public List<String> command(Node n, String path, String example) {
        if (n == null) {
            return List.of();
        }
        if (n instanceof ScalarNode) {
            String s = scalar(n, path);
            return s == null || s.isBlank() ? List.of() : List.of(s);
        }
        List<String> out = new ArrayList<>(stringList(n, path));
        if (out.isEmpty()) {
            problem(n, path, "must name a program", "e.g. " + example);
        }
        return out;
    }

    /** A mapping of string to string (e.g. per-environment values), in file order. */
    public Map<String, String> stringMap(Node n, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        MappingNode m = mapping(n, path);
        if (m == null) {
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
            if (key == null) {
                problem(t.getKeyNode(), path, "keys must be plain names", null);
            } else if (out.containsKey(key)) {
                problem(t.getKeyNode(), join(path, key), "duplicate key '" + key + "'", "each key may appear once");
            } else {
                String v = scalar(t.getValueNode(), join(path, key));
                if (v != null) {
                    out.put(key, v);
                }
            }
        }
        return out;
    }

    /** A scalar's value, interpolated; a problem (and null) for mappings and lists. */
    public String scalar(Node n, String path) {
        if (!(n instanceof ScalarNode s)) {
            problem(n, path, "expected a single value, got " + kind(n), null);
            return null;
        }
        return interpolate(s, path);
    }

    /** Checks that names are unique among the items read; a duplicate is a problem at its node. */
    public void unique(Node node, String path, String name, Set<String> seen, String what) {
        if (name != null && !seen.add(name)) {
            problem(node, path, "duplicate " + what + " '" + name + "'", what + " names must be unique");
        }
    }

    /** Interpolates every scalar below a section no parser reads, so its secrets are known and masked. */
    void interpolateAll(Node n, String path) {
        if (n instanceof ScalarNode s) {
            interpolate(s, path);
        } else if (n instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                interpolateAll(seq.getValue().get(i), path + "[" + i + "]");
            }
        } else if (n instanceof MappingNode m) {
            Set<String> seen = new HashSet<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                if (!seen.add(key)) {
                    problem(t.getKeyNode(), path + "." + key, "duplicate key '" + key + "'", "each key may appear once");
                }
                interpolateAll(t.getValueNode(), path + "." + key);
            }
        }
    }

    private String interpolate(ScalarNode s, String path) {
        String raw = s.getValue();
        if (!raw.contains("${")) {
            return raw;
        }
        Matcher m = VAR.matcher(raw);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            if (m.group(1) == null) {
                m.appendReplacement(sb, Matcher.quoteReplacement("${"));
                continue;
            }
            String expr = m.group(1);
            String value;
            if (expr.startsWith("file:")) {
                Path p = baseDir.resolve(expr.substring(5).strip());
                try {
                    value = Files.readString(p, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
                } catch (IOException e) {
                    problem(s, path, "cannot read secret file " + p + " (" + e.getClass().getSimpleName() + ")",
                            "check the path in ${file:...}");
                    value = "";
                }
            } else {
                int dflt = expr.indexOf(":-");
                String name = dflt >= 0 ? expr.substring(0, dflt) : expr;
                if (!NAME.matcher(name).matches()) {
                    problem(s, path, "bad interpolation '${" + expr + "}'",
                            "use ${VAR}, ${VAR:-default} or ${file:/path}");
                    value = "";
                } else if (env.get(name) != null) {
                    value = env.get(name);
                } else if (dflt >= 0) {
                    value = expr.substring(dflt + 2);
                } else {
                    problem(s, path, "environment variable " + name + " is not set",
                            "export " + name + ", or write ${" + name + ":-default}");
                    value = "";
                }
            }
            secretValues.add(value);
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** How a node looks, for messages: "a mapping", "a list" or its quoted value. */
    public static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        } else if (n instanceof SequenceNode) {
            return "a list";
        } else if (n instanceof ScalarNode s) {
            return "'" + s.getValue() + "'";
        }
        return "nothing";
    }

    /** Records a problem at the node's position. */
    public void problem(Node n, String path, String message, String hint) {
        int line = 1;
        int col = 1;
        if (n != null && n.getStartMark().isPresent()) {
            line = n.getStartMark().get().getLine() + 1;
            col = n.getStartMark().get().getColumn() + 1;
        }
        problems.add(new PlanProblem(file, line, col, path, message, hint));
    }

    void problem(PlanProblem p) {
        problems.add(p);
    }

    PlanException fail() {
        List<PlanProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(PlanProblem::line).thenComparingInt(PlanProblem::column));
        return new PlanException(sorted);
    }

    private static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
