package dev.preflight.plan;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks the composed node tree before any section reads it: tags ({@code !secret} on a single
 * value marks a credential; every other non-standard tag is an error), value lengths, and the
 * number of values the tree expands to through aliases (an alias bomb is refused from the
 * shared graph, never walked out). Each node is visited once.
 */
final class NodeCheck {
    private static final String STANDARD = "tag:yaml.org,2002:";

    private final PlanReader r;
    private final Map<Node, Long> expanded = new IdentityHashMap<>();

    NodeCheck(PlanReader r) {
        this.r = r;
    }

    /** False when the tree is too large to read (its problem recorded). */
    boolean check(Node root) {
        long total = visit(root, "");
        if (total > PlanLoader.MAX_NODES) {
            r.problem(root, "", "the plan expands to more than " + PlanLoader.MAX_NODES
                    + " values (through aliases)", "is this an alias bomb? a plan has a few hundred values");
            return false;
        }
        return true;
    }

    /** The number of values below {@code n} counting every alias use (capped), checking each node once. */
    private long visit(Node n, String path) {
        Long done = expanded.get(n);
        if (done != null) {
            return done;
        }
        expanded.put(n, 1L); // a cycle (not produced with recursive keys off) counts once
        long size = 1;
        tag(n, path);
        if (n instanceof ScalarNode s) {
            if (s.getValue().length() > PlanLoader.MAX_VALUE_CHARS) {
                r.problem(s, path, "a value of " + s.getValue().length() + " characters; the limit is "
                        + PlanLoader.MAX_VALUE_CHARS, "put a long value in a file and read it with ${file:PATH}");
            }
            String bad = controlIn(s.getValue(), false);
            if (bad != null) {
                r.problem(s, path, "the value holds " + bad, CONTROL_HINT);
            }
        } else if (n instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                size = Math.min(size + visit(seq.getValue().get(i), path + "[" + i + "]"), Long.MAX_VALUE / 4);
            }
        } else if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                key = key.length() > 40 ? key.substring(0, 40) + "..." : key;
                String p = path.isEmpty() ? key : path + "." + key;
                // Keys and names are printed in headings, table cells and one-line summaries, where a
                // line break or tab starts a line of its own ("Readiness of x", then "Verdict: GO").
                String inKey = t.getKeyNode() instanceof ScalarNode k ? controlIn(k.getValue(), true) : null;
                if (inKey != null) {
                    r.problem(t.getKeyNode(), p, "the key holds " + inKey, CONTROL_HINT);
                } else if (ONE_LINE.contains(key) && t.getValueNode() instanceof ScalarNode v
                        && controlIn(v.getValue(), false) == null) {
                    // Only a line break or a tab is left to find: any other control character is the
                    // scalar's own problem, reported when it is visited.
                    String inName = controlIn(v.getValue(), true);
                    if (inName != null) {
                        r.problem(v, p, "the " + key + " holds " + inName + "; it must be one line", "write it on one line");
                    }
                }
                size = Math.min(size + visit(t.getKeyNode(), p) + visit(t.getValueNode(), p), Long.MAX_VALUE / 4);
            }
        }
        expanded.put(n, size);
        return size;
    }

    /**
     * What no plan value may hold, described (e.g. "U+001B (a control character)"), or null. YAML
     * escapes ({@code "\e"}, {@code "\x1b"}, {@code "\r"}) make what the file's bytes may not (see {@link PlanText}):
     * an ESC rewrites the terminal a report is read in, a carriage return overwrites the line
     * already printed ("NO-GO" shown as "GO"), bidirectional overrides reorder what a reviewer
     * reads. Tab and line break are text, except in keys and names ({@code oneLine}).
     */
    static String controlIn(String v, boolean oneLine) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean text = c == '\t' || c == '\n';
            if (text && oneLine) {
                return c == '\n' ? "a line break" : "a tab";
            }
            if (!text && Character.getType(c) == Character.CONTROL) {
                return "U+%04X (a control character)".formatted((int) c);
            }
            if (c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069') {
                return "U+%04X (a bidirectional text control)".formatted((int) c);
            }
        }
        return null;
    }

    static final String CONTROL_HINT = "remove it: reports, the terminal and the ledger show plan values as they are";

    /** Keys whose values name or title something in reports: one line each. */
    private static final Set<String> ONE_LINE = Set.of("name", "title", "owner", "environment",
            "subject", "source");

    private void tag(Node n, String path) {
        Tag tag = n.getTag();
        String v = tag == null ? null : tag.getValue();
        if (v == null || v.startsWith(STANDARD) || v.equals("!")) {
            return;
        }
        if (tag.equals(Tag.ENV_TAG) && n instanceof ScalarNode s && s.isPlain()) {
            return; // the resolver's implicit tag for a plain ${VAR}; Preflight interpolates it itself
        }
        if (v.equals(PlanLoader.SECRET_TAG)) {
            if (n instanceof ScalarNode) {
                r.markSecret(n);
            } else {
                r.problem(n, path, "only a single value can be marked !secret", "put !secret before the value itself");
            }
            return;
        }
        String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        r.problem(n, path, "unknown tag '" + shown + "'", "the only tag a plan may use is !secret (marks a value as a credential)");
    }
}
