package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.preflight.core.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The notation foreign characters are shown in, per position and per format, and what is kept. */
class VisibleTest {
    private static final String ESC = "\u001b";

    @Test
    void everyHiddenCharacterHasItsNotation() {
        assertThat(Visible.line("a" + ESC + "[2Kb\rc\nd\te\bf\u0007g\u007fh\u009bi\u202ej\u2066k\u200fl\u2028m\u0000"))
                .isEqualTo("a\\e[2Kb\\rc\\nd\\te\\bf\\x07g\\x7fh\\u009bi\\u202ej\\u2066k\\u200fl\\u2028m\\x00");
        assertThat(Visible.line("plain text, ünïcode, emoji \uD83D\uDE80, → and a \\ backslash"))
                .isEqualTo("plain text, ünïcode, emoji \uD83D\uDE80, → and a \\ backslash");
        assertThat(Visible.line(null)).isNull();
    }

    @Test
    void aBlockKeepsItsLinesAndTabsButNotABareCarriageReturn() {
        assertThat(Visible.lines("one\r\ntwo\tcols\rthree" + ESC + "[1A\n")).isEqualTo("one\ntwo\tcols\\rthree\\e[1A\n");
    }

    @Test
    void aTextReportKeepsStylesOwnColoursOnlyWhenInColour() {
        Style s = new Style(true);
        String report = s.ok("PASSED") + " " + s.bold("x") + " foreign " + ESC + "[8mhidden" + ESC + "[0m"
                + ESC + "]8;;https://e.example/" + "\u0007";
        assertThat(Visible.report(report, Format.TEXT, true)).isEqualTo(s.ok("PASSED") + " " + s.bold("x")
                + " foreign \\e[8mhidden" + ESC + "[0m\\e]8;;https://e.example/\\x07");
        // Without colour no escape sequence is Preflight's.
        assertThat(Visible.report(ESC + "[0mx", Format.TEXT, false)).isEqualTo("\\e[0mx");
        assertThat(Visible.report("# T\n\nx" + ESC + "[2K\r\n", Format.MARKDOWN, false)).isEqualTo("# T\n\nx\\e[2K\n");
    }

    @Test
    void jsonKeepsItsMeaningAndParses() {
        String json = Json.pretty(Map.of("s", "a" + ESC + "[2K\u202e\u009b\n"));
        String shown = Visible.report(json, Format.JSON, true);
        assertThat(shown).doesNotContain(ESC, "\u202e", "\u009b").contains("\\u202e", "\\u009b");
        assertThat(Json.parse(shown).path("s").asText()).isEqualTo("a" + ESC + "[2K\u202e\u009b\n");
    }

    @Test
    void aStreamKeepsTheProgressRedrawAndColoursButNothingThatHidesOrMoves() {
        assertThat(Visible.stream("\rbackup: 5 MiB; table x" + ESC + "[1A\ny" + ESC + "[K"))
                .isEqualTo("\rbackup: 5 MiB; table x\\e[1A\\ny" + ESC + "[K");
        assertThat(Visible.stream("\r" + ESC + "[K")).isEqualTo("\r" + ESC + "[K");
        // Only a whole redraw starts with a return: elsewhere it would overwrite what the line holds.
        assertThat(Visible.stream("\rGO\n")).isEqualTo("\\rGO\n");
        assertThat(Visible.stream("\r")).isEqualTo("\\r");
        assertThat(Visible.stream(ESC + "[1;33m--plan" + ESC + "[21;39m" + ESC + "[0m\n"))
                .isEqualTo(ESC + "[1;33m--plan" + ESC + "[21;39m" + ESC + "[0m\n");
        assertThat(Visible.stream("error: " + ESC + "[8m" + ESC + "[30;40m" + ESC + "[2J x\ry\n"))
                .isEqualTo("error: \\e[8m\\e[30;40m\\e[2J x\\ry\n");
        assertThat(Visible.stream(System.lineSeparator())).isEqualTo(System.lineSeparator());
    }

    @Test
    void showingTwiceChangesNothing() {
        String hostile = "x" + ESC + "[2K\r\n\u202e" + new Style(true).bad("NO-GO") + "\t\u0007";
        for (Format f : Format.values()) {
            String once = Visible.report(hostile, f, true);
            assertThat(Visible.report(once, f, true)).as(f.label()).isEqualTo(once);
            assertThat(Visible.stream(once)).as(f.label()).isEqualTo(once);
        }
    }

    @Test
    void markdownShowsTheNotationOnItsLineAndHtmlShowsTheOverrides() {
        assertThat(Markdown.cell("a|b\n**Verdict: GO**" + ESC + "[2K")).isEqualTo("a\\|b\\\\n\\*\\*Verdict: GO\\*\\*\\\\e\\[2K");
        assertThat(Markdown.text("x\r\n# GO")).isEqualTo("x\\\\r\\\\n# GO");
        // On a page a control character means nothing (a space, as before); an override would reorder.
        assertThat(Html.esc("a" + ESC + "[2K\u202eb\r\nc\u009bd")).isEqualTo("a [2K\\u202eb\nc d");
    }

    @Test
    void aTableCellStaysOnItsLineAndItsColumnIsAsWideAsWhatIsShown() {
        String out = new Table().row("A", "B").row("x\ny" + ESC + "[2K", "z").render();
        assertThat(out).isEqualTo("A          B\nx\\ny\\e[2K  z\n");
    }

    @Test
    void noRendererSkipsTheLastPass() {
        // Renderer.render is where every report passes Visible.report: a renderer that overrides it
        // would print foreign text unseen when a caller other than the CLI's writers takes its output.
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.preflight");
        var renderers = classes.stream().filter(c -> c.isAssignableTo(Renderer.class) && !c.isEquivalentTo(Renderer.class))
                .toList();
        assertThat(renderers).as("the control: every capability has renderers").hasSizeGreaterThan(10);
        assertThat(renderers.stream().filter(c -> c.getMethods().stream().anyMatch(m -> m.getName().equals("render")
                        && m.getRawParameterTypes().size() == 3))
                .map(JavaClass::getName).toList()).isEmpty();
    }
}
