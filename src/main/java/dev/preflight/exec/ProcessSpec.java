package dev.preflight.exec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One external program to run: an argv list (never a shell line), optional working directory and
 * extra environment, a timeout, an optional stdin source and a bound on captured stdout.
 *
 * @param argv         program and arguments; element 0 is the program
 * @param workDir      working directory, or {@code null} for the runner's default
 * @param env          variables added to (or overriding) the runner's environment; values may be
 *                     secrets, they are never logged
 * @param timeout      wall-clock limit; on expiry the whole process tree is killed
 * @param stdin        what to feed on stdin, or {@code null} for an empty stdin
 * @param captureLimit most bytes of stdout/stderr kept in memory each; the rest is counted, not kept
 */
public record ProcessSpec(List<String> argv, String workDir, Map<String, String> env, Duration timeout,
                          StdinSource stdin, long captureLimit) {

    /** Default bound on captured output: 4 MiB per stream. */
    public static final long DEFAULT_CAPTURE_LIMIT = 4L << 20;
    /** Default timeout when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public ProcessSpec {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (captureLimit <= 0) {
            captureLimit = DEFAULT_CAPTURE_LIMIT;
        }
    }

    public static ProcessSpec of(String... argv) {
        return new ProcessSpec(List.of(argv), null, Map.of(), DEFAULT_TIMEOUT, null, DEFAULT_CAPTURE_LIMIT);
    }

    public static ProcessSpec of(List<String> argv) {
        return new ProcessSpec(argv, null, Map.of(), DEFAULT_TIMEOUT, null, DEFAULT_CAPTURE_LIMIT);
    }

    public ProcessSpec withTimeout(Duration t) {
        return new ProcessSpec(argv, workDir, env, t, stdin, captureLimit);
    }

    public ProcessSpec withWorkDir(String dir) {
        return new ProcessSpec(argv, dir, env, timeout, stdin, captureLimit);
    }

    public ProcessSpec withEnv(Map<String, String> e) {
        return new ProcessSpec(argv, workDir, e, timeout, stdin, captureLimit);
    }

    public ProcessSpec withStdin(StdinSource s) {
        return new ProcessSpec(argv, workDir, env, timeout, s, captureLimit);
    }

    public ProcessSpec withCaptureLimit(long limit) {
        return new ProcessSpec(argv, workDir, env, timeout, stdin, limit);
    }

    /** The program name, for messages. */
    public String program() {
        return argv.get(0);
    }
}
