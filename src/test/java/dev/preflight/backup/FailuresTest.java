package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Exceptions said as sentences, never as class names. */
class FailuresTest {
    @Test
    void commonFailuresBecomeSentences() {
        assertThat(Failures.describe(new NoSuchFileException("/b/x"))).isEqualTo("no such file or directory: /b/x");
        assertThat(Failures.describe(new AccessDeniedException("/b/x"))).isEqualTo("permission denied: /b/x");
        assertThat(Failures.describe(new FileSystemException("/b/x", null, "Read-only file system")))
                .isEqualTo("/b/x: read-only file system");
        assertThat(Failures.describe(new ConnectException())).isEqualTo("connection refused");
        assertThat(Failures.describe(new UncheckedIOException(new NoSuchFileException("/y"))))
                .isEqualTo("no such file or directory: /y");
        assertThat(Failures.describe(new IOException("java.io.IOException: No space left on device")))
                .isEqualTo("No space left on device");
        assertThat(Failures.describe(new IOException())).isEqualTo("input/output error");
        assertThat(Failures.describe(new NullPointerException())).isEqualTo("internal error (no detail given)");
        assertThat(Failures.describe(new IllegalStateException(new java.net.UnknownHostException("nohost: Name"))))
                .isEqualTo("unknown host nohost");
    }
}
