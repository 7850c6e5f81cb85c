package dev.preflight.gates;

import dev.preflight.core.AtomicFiles;
import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Markdown change record in the repository (e.g. {@code docs/upgrade/change-management.md}) as
 * the CAB ticket. Approved means every checklist item is ticked ({@code - [x]}) and an
 * {@code Approved-by: NAME} line names someone. {@code publish} copies the evidence files into
 * {@code <record>.evidence/} beside it and writes (or replaces) an evidence table with each link
 * and SHA-256 between {@code <!-- preflight:evidence -->} markers; {@code read} re-hashes the
 * linked files, so an edited or outdated copy shows as stale. Both writes are atomic.
 */
public final class FileChangeRecord implements ChangeTicket {
    static final String BEGIN = "<!-- preflight:evidence:begin -->";
    static final String END = "<!-- preflight:evidence:end -->";
    private static final Pattern CHECK = Pattern.compile("^\\s*[-*+]\\s+\\[([ xX])]\\s+(.*)$");
    private static final Pattern APPROVER = Pattern.compile("^\\s*(?:\\*\\*)?Approved-by:(?:\\*\\*)?\\s*(.*?)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ROW = Pattern.compile(
            "^\\|\\s*([a-z-]+)\\s*\\|\\s*\\[([^]]+)]\\(([^)]+)\\)\\s*\\|\\s*([0-9a-f]{64})\\s*\\|.*$");

    private final Path file;

    public FileChangeRecord(Path file) {
        this.file = file;
    }

    @Override
    public String describe() {
        return "change record " + file.getFileName();
    }

    private String text() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw PreflightException.usage("cannot read the change record " + file + ": "
                    + Errors.describe(e), "check gates.cab.path in the plan");
        }
    }

    /** A blank name or a template's placeholder ({@code <CAB chair>}, {@code NAME}, {@code TBD}, {@code ___}) names nobody. */
    static boolean placeholder(String name) {
        String n = name.strip();
        return n.isEmpty() || n.matches("<[^>]*>|\\[[^]]*]|\\{\\{.*}}|[_.\\-?]+")
                || n.replaceAll("[^A-Za-z/]", "").toUpperCase(Locale.ROOT)
                .matches("NAME|TBD|TODO|TBA|N/A|NOBODY|NONE|PENDING|XXX");
    }

    @Override
    public State read() {
        String text = text();
        List<String> problems = new ArrayList<>();
        String approver = null;
        int checked = 0;
        boolean inBlock = false;
        // What a reader of the rendered record does not see approves nothing: fenced code, HTML comments.
        for (String line : ShownLines.of(text, BEGIN, END)) {
            if (line.strip().equals(BEGIN)) {
                inBlock = true;
            } else if (line.strip().equals(END)) {
                inBlock = false;
            }
            if (inBlock) {
                continue;
            }
            Matcher c = CHECK.matcher(line);
            if (c.matches()) {
                if (c.group(1).equals(" ")) {
                    problems.add("checklist item not ticked: " + c.group(2).strip());
                } else {
                    checked++;
                }
            }
            Matcher a = APPROVER.matcher(line);
            if (a.matches() && !placeholder(a.group(1)) && approver == null) {
                approver = a.group(1);
            }
        }
        if (checked == 0 && problems.isEmpty()) {
            problems.add("the record has no checklist ('- [x] ...' items)");
        }
        if (approver == null) {
            problems.add("no 'Approved-by: NAME' line");
        }
        List<Attachment> atts = new ArrayList<>();
        for (String line : block(text)) {
            Matcher m = ROW.matcher(line.strip());
            if (!m.matches() || m.group(1).equals("runbook")) {
                continue;
            }
            Path linked = file.resolveSibling(m.group(3)).normalize();
            String sha;
            long size;
            try {
                sha = Hashing.sha256Hex(linked);
                size = Files.size(linked);
            } catch (IOException e) {
                // The table claims a file that is not there: its content is unknown, never current.
                sha = "missing:" + m.group(4);
                size = -1;
            }
            atts.add(new Attachment(m.group(3), m.group(2), Math.max(size, 0), sha));
        }
        String status = approver == null ? "not approved" : "approved by " + approver;
        return new State(problems.isEmpty(), status, problems, atts, List.of(text));
    }

    private static List<String> block(String text) {
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            return List.of();
        }
        return text.substring(b + BEGIN.length(), e).lines().toList();
    }

    @Override
    public List<Published> publish(List<CabEvidence.Item> items) {
        String text = text();
        String stem = file.getFileName().toString().replaceFirst("\\.md$", "");
        Path dir = file.resolveSibling(stem + ".evidence");
        List<Published> out = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        table.append(BEGIN).append('\n').append("## Evidence\n\n")
                .append("Written by `preflight gates publish`; `preflight gates check` re-hashes each linked file.\n\n")
                .append("| evidence | link | SHA-256 | source |\n| --- | --- | --- | --- |\n");
        try {
            for (CabEvidence.Item i : items) {
                String link;
                if (i.slot().equals("runbook")) {
                    link = i.link();
                } else {
                    AtomicFiles.write(dir.resolve(i.fileName()), i.content());
                    link = stem + ".evidence/" + i.fileName();
                }
                table.append("| ").append(i.slot()).append(" | [").append(i.fileName()).append("](").append(link)
                        .append(") | ").append(i.sha256()).append(" | ").append(i.description().replace("|", "\\|"))
                        .append(" |\n");
                out.add(new Published(i.slot(), i.fileName(), link, i.sha256()));
            }
            table.append(END);
            int b = text.indexOf(BEGIN);
            int e = text.indexOf(END);
            String updated = b >= 0 && e > b ? text.substring(0, b) + table + text.substring(e + END.length())
                    : text + (text.endsWith("\n") ? "\n" : "\n\n") + table + "\n";
            AtomicFiles.write(file, updated.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw PreflightException.state("cannot write the change record " + file + ": "
                    + Errors.describe(ex), "check permissions");
        }
        return out;
    }
}
