package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cleanup runs each action once, last registered first, whoever calls it first. */
class CleanupTest {
    @Test
    void runsOnceInReverseOrderAndReportsFailures() {
        List<String> ran = new ArrayList<>();
        try (Cleanup c = new Cleanup()) {
            c.add(() -> {
                ran.add("remove dir");
                return "dir removed";
            });
            c.add(() -> {
                throw new IllegalStateException("server unreachable");
            });
            c.add(() -> {
                ran.add("stop server");
                return "server stopped";
            });
            assertThat(c.runAll()).containsExactly("server stopped", "FAILED: server unreachable", "dir removed");
            assertThat(c.runAll()).hasSize(3);
        }
        assertThat(ran).containsExactly("stop server", "remove dir");
    }

    @Test
    void forgetKeepsEverything() {
        List<String> ran = new ArrayList<>();
        try (Cleanup c = new Cleanup()) {
            c.add(() -> {
                ran.add("drop");
                return "dropped";
            });
            c.forget();
            assertThat(c.runAll()).isEmpty();
        }
        assertThat(ran).isEmpty();
    }
}
