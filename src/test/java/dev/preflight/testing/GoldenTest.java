package dev.preflight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The golden-file helper itself: it fails on a difference and on a missing file, and normalises as told. */
class GoldenTest {
    private static final String NAME = "testing/golden-self-test.txt";

    @BeforeEach
    void notWhileUpdating() {
        assumeFalse(Boolean.getBoolean(Golden.UPDATE), "update mode writes golden files instead of comparing");
    }

    @AfterEach
    void remove() throws IOException {
        Files.deleteIfExists(Golden.dir().resolve(NAME));
    }

    @Test
    void aMissingFileFailsWithTheHint() {
        assertThatThrownBy(() -> Golden.exact().check(NAME, "text\n"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not exist").hasMessageContaining("-Dgolden.update=true");
    }

    @Test
    void aDifferenceFailsAndEqualTextPasses() throws IOException {
        Path f = Golden.dir().resolve(NAME);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "line 1\nline 2\n");
        Golden.exact().check(NAME, "line 1\nline 2\n");
        assertThatThrownBy(() -> Golden.exact().check(NAME, "line 1\nline 2 changed\n"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("differs from golden file");
    }

    @Test
    void numberingKeepsEqualValuesEqualAndReplacingHidesWhatVaries() {
        Golden g = Golden.exact().replacing("/tmp/junit123", "<dir>").numbering("[0-9a-f]{8}", "id");
        assertThat(g.normalise("/tmp/junit123/a deadbeef cafebabe deadbeef"))
                .isEqualTo("<dir>/a <id-1> <id-2> <id-1>");
    }
}
