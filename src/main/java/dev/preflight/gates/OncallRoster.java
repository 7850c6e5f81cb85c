package dev.preflight.gates;

import dev.preflight.core.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An on-call roster kept as a Markdown table in a file (for teams without PagerDuty): one row per
 * shift with {@code role} (primary or secondary, or level 1 or 2), {@code name}, {@code email},
 * {@code from} and {@code until} (ISO instants; empty means open-ended). The rows feed the same
 * {@link OncallGate} decision as PagerDuty's entries, so coverage gaps and acknowledgements are
 * judged the same way. A malformed roster is never read as "nobody on call": it fails the gate
 * naming {@code FILE:LINE:COL}.
 */
public final class OncallRoster implements OnCall.Source {
    static final List<String> COLUMNS = List.of("role", "name", "email", "from", "until");
    private static final int MAX_BYTES = 1 << 20;

    private final Path file;

    public OncallRoster(Path file) {
        this.file = file;
    }

    @Override
    public List<OnCall> oncalls(Instant since, Instant until) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new GateException("the on-call roster " + file + " is larger than 1 MiB", "check gates.oncall.path");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GateException("cannot read the on-call roster " + file + ": " + Errors.describe(e),
                    "check gates.oncall.path in the plan");
        }
        return parse(file.toString(), text).stream()
                .filter(o -> (o.start() == null || o.start().isBefore(until)) && (o.end() == null || o.end().isAfter(since)))
                .toList();
    }

    /**
     * Every shift of the roster's table. The first table whose header row names the five columns
     * (in any order, case ignored) is the roster; other tables and prose are ignored, and so is what
     * the rendered file does not show ({@link ShownLines}).
     */
    static List<OnCall> parse(String name, String text) {
        // A table in an HTML comment or a fenced code block (last month's, an example) is not the roster.
        String[] lines = ShownLines.of(text).toArray(String[]::new);
        int[] col = null;
        List<OnCall> out = new ArrayList<>();
        boolean separatorSeen = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean row = line.strip().startsWith("|");
            if (col == null) {
                if (row) {
                    col = header(cells(line));
                    separatorSeen = false;
                }
                continue;
            }
            if (!row) {
                if (!out.isEmpty() || separatorSeen) {
                    break; // the roster table ended
                }
                col = null;
                continue;
            }
            List<Cell> cells = cells(line);
            if (!separatorSeen) {
                if (cells.stream().allMatch(c -> c.text().matches(":?-{3,}:?"))) {
                    separatorSeen = true;
                    continue;
                }
                throw problem(name, i + 1, 1, "the roster table's header must be followed by a |---| separator row");
            }
            out.add(shift(name, i + 1, cells, col));
        }
        if (col == null) {
            throw problem(name, 1, 1, "no roster table: expected a header row | role | name | email | from | until |");
        }
        if (out.isEmpty()) {
            throw problem(name, 1, 1, "the roster table has no shifts");
        }
        return out;
    }

    private static int[] header(List<Cell> cells) {
        int[] idx = new int[COLUMNS.size()];
        for (int c = 0; c < COLUMNS.size(); c++) {
            idx[c] = -1;
            for (int j = 0; j < cells.size(); j++) {
                if (cells.get(j).text().equalsIgnoreCase(COLUMNS.get(c))) {
                    idx[c] = j;
                }
            }
            if (idx[c] < 0) {
                return null;
            }
        }
        return idx;
    }

    private static OnCall shift(String name, int line, List<Cell> cells, int[] col) {
        Cell role = cell(name, line, cells, col[0]);
        Cell who = cell(name, line, cells, col[1]);
        Cell email = cell(name, line, cells, col[2]);
        Instant from = instant(name, line, cell(name, line, cells, col[3]));
        Instant until = instant(name, line, cell(name, line, cells, col[4]));
        int level = switch (role.text().toLowerCase(Locale.ROOT)) {
            case "primary", "1" -> 1;
            case "secondary", "2" -> 2;
            default -> throw problem(name, line, role.column(), "role '" + role.text()
                    + "' is not primary or secondary (or level 1 or 2)");
        };
        if (who.text().isEmpty() && email.text().isEmpty()) {
            throw problem(name, line, who.column(), "a shift needs a name or an e-mail");
        }
        if (from != null && until != null && !until.isAfter(from)) {
            throw problem(name, line, cells.get(col[4]).column(), "until " + until + " is not after from " + from);
        }
        // The name stands in for PagerDuty's user id, so one person's shifts are acknowledged once.
        String id = email.text().isEmpty() ? who.text() : email.text().toLowerCase(Locale.ROOT);
        return new OnCall(level, id, who.text().isEmpty() ? email.text() : who.text(), email.text(), from, until);
    }

    private static Cell cell(String name, int line, List<Cell> cells, int i) {
        if (i >= cells.size()) {
            throw problem(name, line, 1, "the row has " + cells.size() + " cells, the header has more");
        }
        return cells.get(i);
    }

    private static Instant instant(String name, int line, Cell c) {
        if (c.text().isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(c.text());
        } catch (DateTimeParseException e) {
            throw problem(name, line, c.column(), "'" + c.text() + "' is not an ISO instant (e.g. 2027-01-09T01:00:00Z)");
        }
    }

    private record Cell(String text, int column) {
    }

    /** The cells of a {@code | a | b |} row with their 1-based columns; a leading and trailing pipe are optional. */
    private static List<Cell> cells(String line) {
        List<Cell> out = new ArrayList<>();
        int start = line.indexOf('|') + 1;
        for (int i = start; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == '|') {
                String raw = line.substring(start, i);
                int lead = raw.length() - raw.stripLeading().length();
                if (!(i == line.length() && raw.isBlank())) {
                    out.add(new Cell(raw.strip(), start + lead + 1));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static GateException problem(String name, int line, int column, String message) {
        return new GateException(name + ":" + line + ":" + column + ": " + message,
                "fix the roster (columns: role, name, email, from, until)");
    }
}
