package dev.preflight.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A text table: every column as wide as its widest cell (or a fixed width), two spaces between columns,
 * one line per row. The one column layout of the text reports (ledger log, flags matrix and diff,
 * audit matrix).
 */
public final class Table {
    /**
     * A cell's text and how it is styled once padded (colour wraps the padding too). The text is shown
     * on its one line ({@link Visible#line}): a cell is where foreign text (an entry summary, a probe's
     * version string) is put, so a control character or line break in it is made visible here.
     */
    public record Cell(String text, UnaryOperator<String> style) {
        public Cell {
            text = Visible.line(text);
        }

        public static Cell plain(String text) {
            return new Cell(text, UnaryOperator.identity());
        }
    }

    private final List<List<Cell>> rows = new ArrayList<>();
    private final Map<Integer, Integer> fixedWidths = new HashMap<>();
    private boolean padLast = true;
    private boolean stripTrailing;

    /** Adds a row of unstyled cells; {@code null} reads as "null", as {@code String.format} wrote it. */
    public Table row(Object... cells) {
        List<Cell> row = new ArrayList<>(cells.length);
        for (Object c : cells) {
            row.add(Cell.plain(String.valueOf(c)));
        }
        rows.add(row);
        return this;
    }

    /** Adds a row of unstyled cells. */
    public Table row(List<String> cells) {
        return row(cells.toArray());
    }

    /** Adds a row of styled cells. */
    public Table cells(List<Cell> cells) {
        rows.add(List.copyOf(cells));
        return this;
    }

    /**
     * Column {@code column} is padded to {@code width} whatever its cells (a time of usually twenty
     * characters); a longer cell overflows and pushes the rest of its row right.
     */
    public Table fixedWidth(int column, int width) {
        fixedWidths.put(column, width);
        return this;
    }

    /** The last column is not padded, so it may run on (a summary). */
    public Table lastColumnRuns() {
        padLast = false;
        return this;
    }

    /** Trailing blanks are cut from every line (padding of empty last cells). */
    public Table stripTrailing() {
        stripTrailing = true;
        return this;
    }

    /** The rows, each ended by a newline; empty when there are none. */
    public String render() {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] w = new int[columns];
        for (List<Cell> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                w[i] = Math.max(w[i], row.get(i).text().length());
            }
        }
        fixedWidths.forEach((column, width) -> {
            if (column < columns) {
                w[column] = width;
            }
        });
        StringBuilder sb = new StringBuilder();
        for (List<Cell> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                Cell c = row.get(i);
                boolean last = i + 1 == row.size();
                String text = last && !padLast ? c.text() : pad(c.text(), w[i]);
                line.append(c.style().apply(text));
                if (!last) {
                    line.append("  ");
                }
            }
            sb.append(stripTrailing ? line.toString().stripTrailing() : line).append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
