package dev.preflight.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code preflight} as a real child process (this test run's classes, {@code dev.preflight.cli.Main}),
 * for tests that kill it or race two of them: stdout and stderr go to one file.
 */
public final class Child {
    public final Process process;
    private final Path output;

    private Child(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code preflight --plan DIR/preflight.yaml ARGS} with its output in {@code DIR/NAME.out}. */
    public static Child start(Path planDir, String name, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.preflight.cli.Main", "--plan", planDir.resolve("preflight.yaml").toString()));
        argv.addAll(List.of(args));
        Path out = planDir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("NO_COLOR", "1");
        return new Child(pb.start(), out);
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the exit (at most two minutes) and returns the exit code. */
    public int await() throws Exception {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            kill();
            throw new AssertionError("preflight did not finish: " + output());
        }
        return process.exitValue();
    }

    /** What it printed so far. */
    public String output() throws Exception {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    /** SIGKILL, as a power cut or the OOM killer would: no hook runs. Its children (a dump tool) are killed after. */
    public void kill() throws Exception {
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        kids.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL of the JVM alone: what it started (a scratch redis-server) lives on, as it would. */
    public List<ProcessHandle> killAlone() throws Exception {
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return kids;
    }

    /** SIGTERM (what Ctrl-C, systemd or CI send): the shutdown hooks run. */
    public void terminate() throws Exception {
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
        kids.forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits until {@code file} exists (what a stuck tool touches when it starts hanging). */
    public void awaitFile(Path file) throws Exception {
        for (int i = 0; i < 1200 && !Files.exists(file); i++) {
            if (!process.isAlive()) {
                throw new AssertionError("preflight exited " + process.exitValue() + ": " + output());
            }
            Thread.sleep(50);
        }
        if (!Files.exists(file)) {
            throw new AssertionError(file + " never appeared: " + output());
        }
    }
}
