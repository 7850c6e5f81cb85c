package dev.preflight.plan;

import dev.preflight.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The interpolation of plan values: {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${file:PATH}}
 * replaced, {@code $${} a literal {@code ${}. Problems go to the {@link PlanReader} it serves, which
 * reads each scalar through it once.
 */
final class Interpolation {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path baseDir;
    private final Map<String, String> env;
    private final PlanReader reader;

    /**
     * One scalar as read: its interpolated value (null when it could not be had), the field path it
     * was first read at, the references it interpolated ({@code ${VAR}}, {@code ${file:...}}; empty
     * when literal), the text as written and each reference's value.
     */
    record Read(String value, String path, List<String> refs, String raw, List<String> pieces) {
        boolean interpolated() {
            return !refs.isEmpty();
        }
    }

    Interpolation(Path baseDir, Map<String, String> env, PlanReader reader) {
        this.baseDir = baseDir;
        this.env = env;
        this.reader = reader;
    }

    /** Reads the scalar, interpolated; its problems are recorded at its node. */
    Read read(ScalarNode s, String path) {
        String raw = s.getValue();
        List<String> refs = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        String value = raw;
        if (raw.contains("${")) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            while (i < raw.length()) {
                if (raw.startsWith("$${", i)) {
                    sb.append("${");
                    i += 3;
                } else if (raw.startsWith("${", i)) {
                    int close = raw.indexOf('}', i + 2);
                    if (close < 0) {
                        reader.problem(s, path, "unclosed '${' in this value", "end it with '}', or write $${ for a literal ${");
                        value = null;
                        break;
                    }
                    String expr = raw.substring(i + 2, close);
                    refs.add("${" + expr + "}");
                    String piece = resolve(s, path, expr);
                    pieces.add(piece);
                    sb.append(piece);
                    i = close + 1;
                } else {
                    sb.append(raw.charAt(i));
                    i++;
                }
            }
            if (value != null) {
                value = sb.toString();
            }
            if (value != null && value.length() > PlanLoader.MAX_VALUE_CHARS) {
                reader.problem(s, path, "the value of " + String.join("", refs) + " is " + value.length()
                        + " characters long; the limit is " + PlanLoader.MAX_VALUE_CHARS, null);
                value = null;
            }
        }
        return new Read(value, path, List.copyOf(refs), raw, List.copyOf(pieces));
    }

    /** One {@code ${...}} expression's value; a problem and "" when it cannot be had. */
    private String resolve(ScalarNode s, String path, String expr) {
        if (expr.startsWith("file:")) {
            return secretFile(s, path, expr.substring(5).strip());
        }
        int dflt = expr.indexOf(":-");
        String name = dflt >= 0 ? expr.substring(0, dflt) : expr;
        if (!NAME.matcher(name).matches()) {
            reader.problem(s, path, "bad interpolation '${" + expr + "}'", "use ${VAR}, ${VAR:-default} or ${file:/path}");
            return "";
        } else if (env.get(name) != null) {
            String bad = NodeCheck.controlIn(env.get(name), false);
            if (bad != null) {
                // Not shown: the variable may hold a credential.
                reader.problem(s, path, "environment variable " + name + " holds " + bad, NodeCheck.CONTROL_HINT);
                return "";
            }
            return env.get(name);
        } else if (dflt >= 0) {
            return expr.substring(dflt + 2);
        }
        reader.problem(s, path, "environment variable " + name + " is not set",
                "export " + name + ", or write ${" + name + ":-default}");
        return "";
    }

    /**
     * A {@code ${file:PATH}} value: a regular file of at most {@link PlanLoader#MAX_FILE_BYTES}
     * (so {@code /dev/zero} or a FIFO is refused at once, never read), UTF-8, one trailing newline
     * dropped. Its content is never shown, not even in problems.
     */
    private String secretFile(ScalarNode s, String path, String name) {
        Path p = baseDir.resolve(name);
        String ref = "${file:" + name + "}";
        try {
            BasicFileAttributes a = Files.readAttributes(p,
                    BasicFileAttributes.class);
            if (a.isDirectory()) {
                reader.problem(s, path, ref + ": " + p + " is a directory", "name a file in ${file:...}");
                return "";
            }
            if (!a.isRegularFile()) {
                reader.problem(s, path, ref + ": " + p + " is not a regular file (a device, FIFO or socket)",
                        "name a regular file in ${file:...}");
                return "";
            }
            if (a.size() > PlanLoader.MAX_FILE_BYTES) {
                reader.problem(s, path, ref + ": " + p + " is " + a.size() + " bytes; the limit is "
                        + PlanLoader.MAX_FILE_BYTES + " bytes", "a ${file:...} holds one secret, not a document");
                return "";
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(p)) {
                bytes = in.readNBytes(PlanLoader.MAX_FILE_BYTES + 1);
            }
            if (bytes.length > PlanLoader.MAX_FILE_BYTES) {
                reader.problem(s, path, ref + ": " + p + " is larger than " + PlanLoader.MAX_FILE_BYTES + " bytes",
                        "a ${file:...} holds one secret, not a document");
                return "";
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString()
                        .replaceFirst("\\r?\\n$", "");
            } catch (CharacterCodingException e) {
                reader.problem(s, path, ref + ": " + p + " is not UTF-8 text", "save it as UTF-8");
                return "";
            }
        } catch (IOException e) {
            reader.problem(s, path, "cannot read secret file " + Errors.describe(e),
                    "check the path in ${file:...}");
            return "";
        }
    }
}
