package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The on-call roster is the first table a reader of the rendered file sees: last month's roster kept
 * in an HTML comment, or an example table in a fenced code block, above the real one was read as the
 * roster, and its permanent rows covered the gap the real roster has.
 */
class RosterHiddenTableTest {
    private static final String REAL = """
            | Role | Name | Email | From | Until |
            |------|------|-------|------|-------|
            | primary | Alice Moreau | alice@example.com | 2027-01-08T00:00:00Z | 2027-01-09T02:00:00Z |
            """;

    @Test
    void aTableInACommentOrACodeBlockIsNotTheRoster() {
        for (String hidden : List.of("<!-- December, for reference:\n", "```markdown\n", "~~~\n")) {
            String close = hidden.startsWith("<!--") ? "-->\n" : hidden.substring(0, 3) + "\n";
            String text = "# On-call\n\n" + hidden + """
                    | Role | Name | Email | From | Until |
                    |------|------|-------|------|-------|
                    | primary | Example Person | ex@example.com | | |
                    """ + close + "\n" + REAL;
            List<OnCall> shifts = OncallRoster.parse("oncall.md", text);
            assertThat(shifts).as(hidden).extracting(OnCall::userName).containsExactly("Alice Moreau");
        }
    }
}
