package dev.preflight.exec;

import dev.preflight.core.Errors;
import dev.preflight.core.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs programs on this machine from an argv list (never a shell). Stdin is fed, and stdout and
 * stderr drained, on their own threads which are all joined before the result is returned; on
 * timeout the whole process tree is killed. Thread-safe and stateless apart from its settings.
 */
public final class LocalProcessRunner implements ProcessRunner {
    private static final Logger LOG = Logger.getLogger(LocalProcessRunner.class.getName());
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final Duration FEEDER_GRACE = Duration.ofMillis(200);

    private final Secrets secrets;
    private final Map<String, String> baseEnv;

    public LocalProcessRunner(Secrets secrets) {
        this(secrets, null);
    }

    /** @param baseEnv the environment programs start with, or null for this process's own */
    public LocalProcessRunner(Secrets secrets, Map<String, String> baseEnv) {
        this.secrets = secrets;
        this.baseEnv = baseEnv == null ? null : Map.copyOf(baseEnv);
    }

    @Override
    public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
        return execute(spec, null, null);
    }

    @Override
    public ProcessResult stream(ProcessSpec spec, OutputStream stdoutSink) throws IOException, InterruptedException {
        return execute(spec, stdoutSink, null);
    }

    /**
     * The program writes into {@code file} itself (opened for append, as a shell's {@code >>} would):
     * a dump into a pipe cost a third more wall time than into a file (bench/backup), the reader
     * being woken for every few kilobytes. While it runs, a SIGTERM or SIGINT to this JVM kills it:
     * with a pipe it died of the closed pipe, with a file it would dump on for nobody.
     */
    @Override
    public ProcessResult streamToFile(ProcessSpec spec, Path file) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("cannot write the output of " + spec.program() + " to " + file + ": not a regular file");
        }
        return execute(spec, null, file);
    }

    @Override
    public String target() {
        return "local";
    }

    /**
     * Looks where starting it would look, instead of starting it: a name with a slash as it is, else
     * each directory of this JVM's own PATH (the process launcher resolves names with the parent's
     * PATH, whatever the child's environment). Starting {@code program --version} to find out cost
     * a backup or restore test one process per probe, up to five per run.
     */
    @Override
    public boolean installed(String program) {
        if (program.contains("/")) {
            return runnable(Path.of(program));
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/bin:/usr/bin" : path).split(":", -1)) {
            if (runnable(Path.of(dir.isEmpty() ? "." : dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean runnable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    private ProcessResult execute(ProcessSpec spec, OutputStream sink, Path stdoutFile)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(spec.argv());
        if (stdoutFile != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutFile.toFile()));
        }
        if (spec.workDir() != null) {
            pb.directory(Path.of(spec.workDir()).toFile());
        }
        if (baseEnv != null) {
            pb.environment().clear();
            pb.environment().putAll(baseEnv);
        }
        pb.environment().putAll(spec.env());
        // argv is logged, env values never: they are where secrets go.
        LOG.log(Level.FINE, () -> "run " + secrets.redact(String.join(" ", spec.argv())));
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            String why = Errors.describe(e).contains("error=2")
                    ? "program not found: " + spec.program() : "cannot start " + spec.program() + ": " + Errors.describe(e);
            LOG.log(Level.FINE, () -> secrets.redact(why));
            return new ProcessResult(ProcessResult.NOT_FOUND, "", secrets.redact(why), false, false, 0,
                    Duration.ofNanos(System.nanoTime() - start), secrets.redact(why));
        }
        Thread killOnExit = null;
        if (stdoutFile != null) {
            killOnExit = new Thread(() -> killQuietly(p), "preflight-kill-on-exit");
            try {
                Runtime.getRuntime().addShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                killQuietly(p);
                killOnExit = null;
            }
        }
        try {
            return finish(spec, sink, p, start);
        } finally {
            if (killOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(killOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // The hook runs anyway; killing a process that has exited does nothing.
                }
            }
        }
    }

    /** Drains, waits (killing the tree on timeout or interrupt) and gathers the result of a started process. */
    private ProcessResult finish(ProcessSpec spec, OutputStream sink, Process p, long start)
            throws IOException, InterruptedException {
        // With stdout redirected to a file, the JVM's end of it is an empty stream: the drain ends at once.
        Drain out = new Drain(p.getInputStream(), sink, spec.captureLimit());
        Drain err = new Drain(p.getErrorStream(), null, spec.captureLimit());
        List<Thread> threads = new ArrayList<>();
        threads.add(daemon("preflight-stdout", out));
        threads.add(daemon("preflight-stderr", err));
        Feeder feeder = new Feeder(p.getOutputStream(), spec.stdin());
        Thread feederThread = daemon("preflight-stdin", feeder);
        threads.forEach(Thread::start);
        feederThread.start();
        boolean finished;
        try {
            finished = p.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(p);
            throw e;
        }
        if (!finished) {
            killTree(p);
        }
        for (Thread t : threads) {
            t.join();
        }
        // A stdin source may be waiting for more to send (a queue fed by another thread) when the
        // program has already exited: nothing it could send would be read, so it is interrupted.
        feederThread.join(FEEDER_GRACE.toMillis());
        if (feederThread.isAlive()) {
            feederThread.interrupt();
            feederThread.join();
        }
        int code = p.exitValue();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        LOG.log(Level.FINE, () -> "exit " + code + (finished ? "" : " (timed out)") + " after " + elapsed.toMillis()
                + " ms: " + secrets.redact(spec.program()));
        if (out.failure != null) {
            throw out.failure;
        }
        return new ProcessResult(code, sink == null ? out.text() : "", secrets.redact(err.text()), !finished,
                out.truncated || err.truncated, out.total, elapsed, null);
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** For a shutdown hook: the tree killed, an interrupt of the hook's own wait ignored. */
    private static void killQuietly(Process p) {
        try {
            killTree(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills descendants first so none is re-parented and left running, then the process itself. */
    private static void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    /** Copies one output stream: to a sink, or into a bounded buffer; counts every byte. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final OutputStream sink;
        private final long limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;
        private boolean truncated;
        private IOException failure;

        Drain(InputStream in, OutputStream sink, long limit) {
            this.in = in;
            this.sink = sink;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buf = new byte[1 << 16];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    if (sink != null) {
                        if (failure == null) {
                            try {
                                sink.write(buf, 0, n);
                            } catch (IOException e) {
                                // Keep draining so the program is not blocked; the failure is reported.
                                failure = e;
                            }
                        }
                    } else if (kept.size() < limit) {
                        int room = (int) Math.min(n, limit - kept.size());
                        kept.write(buf, 0, room);
                        truncated |= room < n;
                    } else {
                        truncated = true;
                    }
                }
            } catch (IOException e) {
                // The stream closes when the process tree is killed; what was read is kept.
            }
        }

        String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    /** Feeds stdin and closes it; a program that exits early (broken pipe) is not an error here. */
    private record Feeder(OutputStream stdin, StdinSource source) implements Runnable {
        @Override
        public void run() {
            try (stdin) {
                if (source != null) {
                    source.writeTo(stdin);
                }
            } catch (IOException e) {
                // Broken pipe: the program stopped reading; its exit code tells whether that was wrong.
            }
        }
    }
}
