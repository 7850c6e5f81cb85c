package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Markdown change record is approved by what it shows: an {@code Approved-by:} line or ticked
 * items inside an HTML comment or a fenced code block (instructions, a pasted template) are not
 * shown, and a placeholder ({@code <CAB chair>}, {@code NAME}, {@code TBD}) names nobody. Before,
 * each of these approved the record.
 */
class FileRecordHiddenApprovalTest {
    @TempDir
    Path dir;

    private ChangeTicket.State read(String body) throws Exception {
        Path f = dir.resolve("change-management.md");
        Files.writeString(f, body);
        return new FileChangeRecord(f).read();
    }

    private static final String TICKED = "# ACAD-1234\n\n- [x] Backup evidence attached\n- [x] Runbook linked\n\n";

    @Test
    void anApproverOnlyInACommentACodeBlockOrAsAPlaceholderIsNobody() throws Exception {
        for (String hidden : List.of(
                "<!-- Fill in after the CAB meeting:\nApproved-by: Dana Reyes\n-->\nApproved-by:\n",
                "Example:\n\n```\nApproved-by: Dana Reyes\n```\n",
                "~~~markdown\nApproved-by: Dana Reyes\n~~~\n",
                "Approved-by: <CAB chair>\n",
                "Approved-by: NAME\n",
                "Approved-by: TBD\n",
                "Approved-by: ___\n")) {
            ChangeTicket.State s = read(TICKED + hidden);
            assertThat(s.approved()).as(hidden).isFalse();
            assertThat(s.problems()).as(hidden).contains("no 'Approved-by: NAME' line");
        }
    }

    @Test
    void tickedItemsOnlyInACommentAreNoChecklist() throws Exception {
        ChangeTicket.State s = read("# ACAD-1234\n\n<!--\n- [x] Backup evidence attached\n-->\nApproved-by: Dana Reyes\n");
        assertThat(s.approved()).isFalse();
        assertThat(s.problems()).contains("the record has no checklist ('- [x] ...' items)");
    }

    @Test
    void aShownApproverAndTickedItemsStillApprove() throws Exception {
        ChangeTicket.State s = read(TICKED + "<!-- a note -->\nApproved-by: Dana Reyes (CAB chair), 2027-01-05\n");
        assertThat(s.approved()).as(s.problems().toString()).isTrue();
        assertThat(s.status()).isEqualTo("approved by Dana Reyes (CAB chair), 2027-01-05");
    }
}
