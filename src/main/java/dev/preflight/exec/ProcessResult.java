package dev.preflight.exec;

import java.time.Duration;

/**
 * What a finished program did. {@code stdout} is empty when stdout was streamed to a sink.
 *
 * @param exitCode        the program's exit status; 127 when the program could not be started
 *                        because it does not exist (as a shell would report it, locally and over SSH)
 * @param stdout          captured stdout (UTF-8, bounded), or "" when streamed
 * @param stderr          captured stderr (UTF-8, bounded), secrets redacted
 * @param timedOut        the timeout expired and the process tree was killed
 * @param truncated       captured output hit the capture limit
 * @param stdoutBytes     how many bytes the program wrote to stdout in total
 * @param elapsed         wall-clock time from start to exit
 * @param startFailure    why the program could not be started, or {@code null}
 */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut, boolean truncated,
                            long stdoutBytes, Duration elapsed, String startFailure) {

    /** Exit status reported when the program does not exist. */
    public static final int NOT_FOUND = 127;

    /** The same result with another elapsed time (the time a caller measured around it). */
    public ProcessResult withElapsed(Duration took) {
        return new ProcessResult(exitCode, stdout, stderr, timedOut, truncated, stdoutBytes, took, startFailure);
    }

    public boolean ok() {
        return exitCode == 0 && !timedOut && startFailure == null;
    }

    /** True when the program was not installed (not on PATH, or the path does not exist). */
    public boolean notFound() {
        return exitCode == NOT_FOUND;
    }
}
