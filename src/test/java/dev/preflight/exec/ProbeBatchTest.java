package dev.preflight.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch's command line reads back to its commands, and its output splits per command. */
class ProbeBatchTest {
    @Test
    void commandLineParsesBackToTheSameCommandsAndMarker() {
        ProbeBatch b = ProbeBatch.of(List.of("php -n -r 'echo PHP_VERSION;'", "node -v", "cd '/a b' && x"));
        assertThat(b.marker()).matches("preflight-[0-9a-f]{16}");
        assertThat(ProbeBatch.parse(b.commandLine())).contains(b);
        assertThat(ProbeBatch.parse(b.commandLine() + " ")).contains(b);
        assertThat(ProbeBatch.parse("node -v")).isEmpty();
        assertThat(ProbeBatch.parse(b.commandLine() + "; rm -rf /")).isEmpty();
    }

    @Test
    void outputSplitsAtTheMarkerLinesOnly() {
        ProbeBatch b = new ProbeBatch("preflight-00000000000000ab", List.of("a", "b", "c"));
        String out = "v1\n\npreflight-00000000000000ab 0\n" + "preflight-00000000000000ab 7 in text\n"
                + "\npreflight-00000000000000ab 127\n" + "partial";
        List<ProbeBatch.Piece> p = b.split(out);
        assertThat(p).containsExactly(new ProbeBatch.Piece(0, "v1\n"),
                new ProbeBatch.Piece(127, "preflight-00000000000000ab 7 in text\n"));
    }
}
