package dev.preflight.plan;

import dev.preflight.core.Secrets;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
 *
 * <p>Longer than the 400 lines a class is held to, because it is the one API every section parser
 * reads through: an accessor per kind of value (text, choice, whole and decimal number, flag,
 * duration, date, instant, list, map, command, credential), each with its own checks and messages.
 * What is not an accessor is elsewhere: {@link Interpolation}, {@link Credentials}, {@link Problems}.
 */
public final class PlanReader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
    /** The longest duration a plan may give (100 years): longer ones are typos and would overflow. */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);

    private final String file;
    private final Path baseDir;
    private final Problems problems;
    private final Credentials credentials = new Credentials();
    private final Interpolation interpolation;
    /** Each scalar read once: its value, path and how it was written, so re-reads add no problems. */
    private final Map<Node, Interpolation.Read> reads = new IdentityHashMap<>();

    PlanReader(String file, Path baseDir, Map<String, String> env) {
        this.file = file;
        this.baseDir = baseDir;
        this.problems = new Problems(file);
        this.interpolation = new Interpolation(baseDir, env, this);
    }

    /** Marks a scalar as a credential the user declared with the {@code !secret} tag. */
    void markSecret(Node n) {
        credentials.tag(n);
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
        return problems.any();
    }

    /**
     * Every interpolated scalar as {@code path=value}, sorted, leaving out credential and
     * {@code !secret} fields and any value holding a secret (never written anywhere, hashed or not;
     * and a bastion without a password it does not need reads the same plan), and the ledger's
     * location (two bastions reach one ledger by their own URLs). The plan's text alone does not say
     * what it means when it reads values from the environment or files, so what a sign-off was given
     * on includes these.
     */
    List<String> interpolatedValues() {
        Set<String> secrets = secretValues();
        List<String> out = new ArrayList<>();
        for (Map.Entry<Node, Interpolation.Read> e : reads.entrySet()) {
            Interpolation.Read rd = e.getValue();
            if (rd.interpolated() && rd.value() != null && !credentials.isCredential(e.getKey())
                    && !rd.path().equals("ledger") && !rd.path().startsWith("ledger.")
                    && secrets.stream().noneMatch(x -> !x.isEmpty() && rd.value().contains(x))) {
                out.add(rd.path() + "=" + rd.value());
            }
        }
        out.sort(null);
        return out;
    }

    /** The values to mask: credentials and {@code !secret} values. */
    Set<String> secretValues() {
        return credentials.values();
    }

    /**
     * A credential (password, token, key, auth header): read like {@link #optional} but its value
     * becomes a secret, masked wherever it would be shown, and may not appear in any other field.
     * Null when absent.
     */
    public Secret secret(Map<String, Node> keys, String path, String key) {
        Node n = keys.get(key);
        if (n == null) {
            return null;
        }
        String v = scalar(n, join(path, key));
        if (v == null) {
            return null;
        }
        credentials.credential(n, join(path, key), v);
        // "Bearer ${TOKEN}": the token is the credential as much as the whole value.
        Interpolation.Read rd = reads.get(n);
        if (rd != null) {
            for (String piece : rd.pieces()) {
                credentials.credential(n, join(path, key), piece);
            }
        }
        return new Secret(v, rd == null ? List.of() : rd.refs());
    }

    /**
     * A URL that may carry credentials (a database URL with a password in its user info or a
     * {@code password=} parameter): masked whole when it does, plain otherwise. Null when absent.
     */
    public Secret secretUrl(Map<String, Node> keys, String path, String key) {
        Node n = keys.get(key);
        if (n == null) {
            return null;
        }
        String v = scalar(n, join(path, key));
        if (v == null) {
            return null;
        }
        credentials.field(n);
        List<String> parts = Credentials.inUrl(v);
        if (!parts.isEmpty()) {
            credentials.credential(n, join(path, key), v);
            for (String part : parts) {
                credentials.credential(n, join(path, key), part);
            }
        }
        return new Secret(v);
    }

    /**
     * Checks that no credential appears in a field that is not one: names, subjects, paths and
     * messages are shown and stored as they are, so a credential there would have to be masked
     * there, garbling an identifier. Called once, after every section was read.
     */
    void checkCredentialsStayPut() {
        credentials.checkStayPut(reads, this);
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

    /** The keys of a mapping, checked against its declared {@link Shape.Obj} (the one the schema is made from). */
    public Map<String, Node> keys(MappingNode m, String path, Shape.Obj shape) {
        return keys(m, path, shape.keys());
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
            Node n = keys.get(key);
            String near = interpolated(n) ? null : PlanLoader.nearest(s, allowed);
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is not an allowed value" : "bad value '" + s + "'",
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
        Node n = keys.get(key);
        String t = s.strip();
        if (!t.matches("[-+]?[0-9]+")) {
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is not a whole number"
                    : "expected a whole number, got '" + s + "'", "between " + min + " and " + max);
            return null;
        }
        BigInteger v = new BigInteger(t);
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is out of range"
                    : "out of range: " + (t.length() > 24 ? t.substring(0, 20) + "..." : t), "between " + min + " and " + max);
            return null;
        }
        return v.intValue();
    }

    /** An optional decimal number within bounds. */
    public Double decimal(Map<String, Node> keys, String path, String key, Double dflt, double min, double max) {
        String s = optional(keys, path, key);
        if (s == null) {
            return dflt;
        }
        Node n = keys.get(key);
        String t = s.strip();
        if (!t.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is not a number"
                    : "expected a number, got '" + s + "'", "between " + min + " and " + max);
            return null;
        }
        double v = Double.parseDouble(t);
        if (!(v >= min && v <= max)) {
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is out of range"
                    : "out of range: " + (t.length() > 24 ? t.substring(0, 20) + "..." : t), "between " + min + " and " + max);
            return null;
        }
        return v;
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
                Node n = keys.get(key);
                problem(n, join(path, key), interpolated(n) ? shown(n) + " is not true or false"
                        : "expected true or false, got '" + s + "'", null);
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
        Node n = keys.get(key);
        if (!isDuration(s)) {
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is not a duration"
                    : "not a duration: '" + s + "'", "e.g. 30s, 5m, 24h, 30d");
            return null;
        }
        Duration d = parseDuration(s);
        if (d == null) {
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is out of range"
                    : "duration out of range: '" + (s.length() > 24 ? s.substring(0, 20) + "..." : s) + "'",
                    "at most " + MAX_DURATION.toDays() + "d (100 years)");
        }
        return d;
    }

    /** Whether {@code s} has the form of a duration, whatever its size. */
    private static boolean isDuration(String s) {
        String t = s.strip();
        return !t.isEmpty() && t.matches("(\\d+(ms|s|m|h|d|w))+");
    }

    /**
     * Parses {@code 30s}, {@code 5m}, {@code 24h}, {@code 30d}, {@code 1h30m}; null when malformed
     * or longer than {@link #MAX_DURATION} (never an overflow).
     */
    public static Duration parseDuration(String s) {
        String t = s.strip();
        Matcher m = DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            String digits = m.group(1).replaceFirst("^0+(?=.)", "");
            if (digits.length() > 15) {
                return null; // beyond any limit below, in every unit
            }
            long n = Long.parseLong(digits);
            Duration part;
            try {
                part = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofSeconds(Math.multiplyExact(n, 60L));
                    case "h" -> Duration.ofSeconds(Math.multiplyExact(n, 3_600L));
                    case "d" -> Duration.ofSeconds(Math.multiplyExact(n, 86_400L));
                    default -> Duration.ofSeconds(Math.multiplyExact(n, 604_800L));
                };
            } catch (ArithmeticException e) {
                return null; // fifteen digits of days or weeks: more seconds than a long holds
            }
            total = total.plus(part);
            if (total.compareTo(MAX_DURATION) > 0) {
                return null;
            }
            end = m.end();
        }
        return end == t.length() && end > 0 ? total : null;
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
            Node n = keys.get(key);
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is not a date" : "not a date: '" + s + "'",
                    "use YYYY-MM-DD");
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
            return OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            Node n = keys.get(key);
            problem(n, join(path, key), interpolated(n) ? shown(n) + " is not a timestamp"
                    : "not a timestamp: '" + s + "'", "use 2027-01-09T01:00:00Z");
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

    /** Interpolates every scalar below a section no parser reads, so its problems are reported. */
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

    /**
     * The scalar's value, interpolated ({@link Interpolation}). Read once per node: a node read again
     * (an alias, a second accessor) gives the same value and no second problem.
     */
    private String interpolate(ScalarNode s, String path) {
        Interpolation.Read done = reads.get(s);
        if (done != null) {
            return done.value();
        }
        Interpolation.Read read = interpolation.read(s, path);
        if (read.value() != null) {
            credentials.tagged(s, path, read.value(), read.pieces());
        }
        reads.put(s, read);
        return read.value();
    }

    /** Whether the node's value came (at least partly) from interpolation. */
    private boolean interpolated(Node n) {
        Interpolation.Read rd = n == null ? null : reads.get(n);
        return rd != null && rd.interpolated();
    }

    /**
     * How to name an interpolated value in a message without showing it: "the value of
     * ${ACC_SECRET}", or of the whole expression as written when it mixes text and references.
     */
    private String shown(Node n) {
        Interpolation.Read rd = reads.get(n);
        if (rd == null || !rd.interpolated()) {
            return "the value";
        }
        return "the value of " + (rd.refs().size() == 1 && rd.raw().strip().equals(rd.refs().get(0))
                ? rd.refs().get(0) : "'" + rd.raw() + "'");
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

    /**
     * Records a problem at the node's position. A message about an interpolated value never shows
     * that value: where a parser quoted it, it is replaced by the reference that produced it
     * ({@code ${VAR}}), and credentials are masked.
     */
    public void problem(Node n, String path, String message, String hint) {
        int line = 1;
        int col = 1;
        if (n != null && n.getStartMark().isPresent()) {
            line = n.getStartMark().get().getLine() + 1;
            col = n.getStartMark().get().getColumn() + 1;
        }
        problem(new PlanProblem(file, line, col, path, unshow(n, message), unshow(n, hint)));
    }

    private String unshow(Node n, String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        Interpolation.Read rd = n == null ? null : reads.get(n);
        if (rd != null && rd.interpolated() && rd.value() != null && !rd.value().isEmpty()) {
            out = out.replace("'" + rd.value() + "'", shown(n));
            if (rd.value().strip().length() >= 3) {
                out = out.replace(rd.value(), shown(n));
            }
        }
        return out;
    }

    void problem(PlanProblem p) {
        problems.add(p);
    }

    PlanException fail() {
        return problems.fail(Secrets.of(credentials.values()));
    }

    private static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
