package dev.preflight.gates;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a Markdown file a reader of the rendered page sees: lines inside HTML comments and
 * fenced code blocks (and the fences) are blanked, so the repository-held change record and on-call
 * roster are judged by what they show, not by instructions, examples or last month's table kept out
 * of sight. Line numbers stay those of the file.
 */
final class ShownLines {
    private ShownLines() {
    }

    /**
     * The file's lines, hidden ones as empty strings; {@code keep} lines (our own markers, themselves
     * comments) are left as they are.
     */
    static List<String> of(String text, String... keep) {
        List<String> out = new ArrayList<>();
        boolean inComment = false;
        String fence = null;
        for (String line : text.split("\\R", -1)) {
            String t = line.strip();
            if (List.of(keep).contains(t)) {
                out.add(line);
                continue;
            }
            boolean hidden;
            if (fence != null) {
                hidden = true;
                if (t.startsWith(fence)) {
                    fence = null;
                }
            } else if (inComment) {
                hidden = true;
                inComment = !t.contains("-->");
            } else if (t.startsWith("```") || t.startsWith("~~~")) {
                hidden = true;
                fence = t.substring(0, 3);
            } else if (t.startsWith("<!--")) {
                hidden = true;
                inComment = !t.contains("-->");
            } else {
                hidden = false;
            }
            out.add(hidden ? "" : line);
        }
        return out;
    }
}
