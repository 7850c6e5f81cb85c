package dev.preflight.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAreAsWideAsTheirWidestCell() {
        String t = new Table().row("a", "bb", "c").row("ccc", "d", "e").render();
        assertEquals("a    bb  c\nccc  d   e\n", t);
    }

    @Test
    void aFixedWidthIsKeptAndALongerCellOverflows() {
        String t = new Table().fixedWidth(0, 4).lastColumnRuns().row("ab", "x").row("abcdef", "y").render();
        assertEquals("ab    x\nabcdef  y\n", t);
    }

    @Test
    void theLastColumnMayRunOnOrBeStripped() {
        assertEquals("a   \nbbbb\n", new Table().row("a").row("bbbb").render());
        assertEquals("a\nbbbb\n", new Table().stripTrailing().row("a").row("bbbb").render());
        assertEquals("a    \nbbb  x\n", new Table().lastColumnRuns().row("a", "").row("bbb", "x").render());
    }

    @Test
    void styleWrapsThePaddedCell() {
        String t = new Table().cells(List.of(new Table.Cell("a", s -> "[" + s + "]"), Table.Cell.plain("b")))
                .row("aaa", "b").render();
        assertEquals("[a  ]  b\naaa  b\n", t);
    }

    @Test
    void noRowsNoText() {
        assertEquals("", new Table().render());
    }
}
