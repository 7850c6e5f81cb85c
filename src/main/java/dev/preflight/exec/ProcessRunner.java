package dev.preflight.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way Preflight runs external programs, locally or on a remote host. Implementations take
 * an argv list (never a shell line), enforce the timeout by killing the process tree, drain stdout
 * and stderr on their own threads and join them before returning, and redact secrets from anything
 * they log.
 */
public interface ProcessRunner extends AutoCloseable {

    /** Runs the program and captures stdout and stderr (bounded). */
    ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException;

    /**
     * Runs the program and streams stdout into {@code stdoutSink} as it arrives (for dumps that
     * are too large to hold); stderr is still captured. The sink is not closed.
     */
    ProcessResult stream(ProcessSpec spec, OutputStream stdoutSink) throws IOException, InterruptedException;

    /**
     * Runs the program with its stdout appended to {@code file} (which must exist), for dumps whose
     * bytes are stored there anyway; stderr is still captured and the result's stdout is empty. A
     * local runner gives the program the file itself, so no byte crosses a pipe; this default (a
     * remote host) streams into it. Either way the caller reads what arrived from the file.
     */
    default ProcessResult streamToFile(ProcessSpec spec, Path file) throws IOException, InterruptedException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            return stream(spec, out);
        }
    }

    /**
     * Runs short, independent programs (version probes) one after another and returns their
     * results in order. Here each is a {@link #run}; over SSH they share one exec channel, so the
     * host starts one login shell for all of them instead of one per program.
     */
    default List<ProcessResult> runAll(List<ProcessSpec> specs) throws IOException, InterruptedException {
        List<ProcessResult> out = new ArrayList<>(specs.size());
        for (ProcessSpec s : specs) {
            // Each result's time is what its caller waited for it, as in a batch (SshProcessRunner).
            long t0 = System.nanoTime();
            ProcessResult r = run(s);
            out.add(r.withElapsed(Duration.ofNanos(System.nanoTime() - t0)));
        }
        return out;
    }

    /** Where programs run, for reports: {@code local} or {@code ssh://user@host:port}. */
    String target();

    /**
     * Whether {@code program} can be started here. The default asks the program itself
     * ({@code program --version} not coming back as "not found"); a local runner looks on the PATH.
     */
    default boolean installed(String program) throws IOException, InterruptedException {
        return !run(ProcessSpec.of(program, "--version").withTimeout(Duration.ofMinutes(1))).notFound();
    }

    @Override
    default void close() throws IOException {
    }
}
