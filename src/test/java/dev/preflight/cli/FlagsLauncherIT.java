package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped academy example's flags validate as a real process after `package`: it passes as shipped. */
class FlagsLauncherIT {
    @TempDir
    Path dir;

    @Test
    void academyFlagsValidatePassesAsShipped() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("bin/preflight").toAbsolutePath().toString(), "--plan",
                "examples/academy/preflight.yaml", "--ledger", "sqlite:" + dir.resolve("l.db"), "flags", "validate");
        pb.environment().put("NO_COLOR", "1");
        pb.redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("source       examples/academy/app  5 PHP file(s)",
                "PASSED: 2 flag(s) in 3 file(s), 5 PHP file(s) scanned: 0 error(s), 0 warning(s)");
        assertThat(p.exitValue()).isZero();
    }
}
