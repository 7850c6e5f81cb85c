package dev.preflight.plan;

import dev.preflight.core.Secrets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The credentials of one plan load: the values to mask (read as credentials by
 * {@link PlanReader#secret}, or tagged {@code !secret}), where each was read, and the check that
 * none appears in a field that is not a credential.
 */
final class Credentials {
    /** Values to mask: credentials read by {@link PlanReader#secret} and values tagged {@code !secret}. */
    private final Set<String> values = new LinkedHashSet<>();
    /** Where each credential was read (first field path), for messages that must not show it. */
    private final Map<String, String> paths = new LinkedHashMap<>();
    /** Scalars the user tagged {@code !secret}. */
    private final Set<Node> tagged = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Scalars read as credentials: the only places a credential may appear. */
    private final Set<Node> fields = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Whether a scalar is a credential field or tagged {@code !secret}, whatever its value (even empty). */
    boolean isCredential(Node n) {
        return fields.contains(n) || tagged.contains(n);
    }

    /** The values to mask. */
    Set<String> values() {
        return values;
    }

    /** Marks a scalar as a credential the user declared with the {@code !secret} tag. */
    void tag(Node n) {
        tagged.add(n);
    }

    /** Marks a scalar as a credential field (a place a credential may appear). */
    void field(Node n) {
        fields.add(n);
    }

    /** Records a credential's value read from a credential field at {@code path}. */
    void credential(Node n, String path, String value) {
        fields.add(n);
        if (value != null && !value.isEmpty()) {
            values.add(value);
            paths.putIfAbsent(value, path);
        }
    }

    /** A scalar just read: when tagged {@code !secret}, its whole value and each interpolated part become secrets. */
    void tagged(Node n, String path, String value, List<String> pieces) {
        if (!tagged.contains(n)) {
            return;
        }
        // The whole value and each interpolated part: a message may show either.
        List<String> all = new ArrayList<>(pieces);
        all.add(0, value);
        for (String v : all) {
            if (!v.isEmpty()) {
                values.add(v);
                paths.putIfAbsent(v, path + " (marked !secret)");
            }
        }
    }

    /** The password and user-info parts of a URL ({@code user:pw@}, {@code password=pw}). */
    static List<String> inUrl(String url) {
        List<String> out = new ArrayList<>();
        Matcher ui = Pattern.compile("^[A-Za-z][A-Za-z0-9+.:-]*://([^/@?#]*)@").matcher(url);
        if (ui.find()) {
            String info = ui.group(1);
            int colon = info.indexOf(':');
            out.add(colon >= 0 ? info.substring(colon + 1) : info);
        }
        Matcher q = Pattern.compile("(?i)[?&;](?:password|pass|pwd|secret|token|key|sslpassword|access_token)=([^&;#]*)")
                .matcher(url);
        while (q.find()) {
            out.add(q.group(1));
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    /**
     * Checks that no credential appears in a field that is not one: names, subjects, paths and
     * messages are shown and stored as they are, so a credential there would have to be masked
     * there, garbling an identifier. Called once, after every section was read.
     */
    void checkStayPut(Map<Node, Interpolation.Read> reads, PlanReader reader) {
        List<String> secrets = new ArrayList<>(Secrets.of(values).values());
        if (secrets.isEmpty()) {
            return;
        }
        for (Map.Entry<Node, Interpolation.Read> e : reads.entrySet()) {
            Node n = e.getKey();
            Interpolation.Read rd = e.getValue();
            if (fields.contains(n) || tagged.contains(n) || rd.value() == null) {
                continue;
            }
            for (String v : secrets) {
                if (rd.value().contains(v)) {
                    String where = paths.getOrDefault(v, "a value marked !secret");
                    reader.problem(n, rd.path(), "contains a credential (the value of " + where + ")",
                            "a credential may appear only in its own field: names, paths and messages are shown "
                                    + "and recorded as they are");
                    break;
                }
            }
        }
    }
}
