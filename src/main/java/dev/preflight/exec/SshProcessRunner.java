package dev.preflight.exec;

import dev.preflight.core.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Runs programs on a remote host over one authenticated SSH session: each call is an exec channel
 * carrying the argv as quoted words ({@link ShellWords}), so the remote shell passes every word
 * through unchanged. Same contract as the local runner: timeout (the channel is closed, which
 * ends the remote command), stdout captured bounded or streamed, stderr captured, 127 for a
 * program the host does not have. Thread-safe: channels of one session may run concurrently.
 */
public final class SshProcessRunner implements ProcessRunner {
    private static final Logger LOG = Logger.getLogger(SshProcessRunner.class.getName());

    private final ClientSession session;
    private final HostUri host;
    private final boolean loginShell;
    private final Secrets secrets;

    SshProcessRunner(ClientSession session, HostUri host, boolean loginShell, Secrets secrets) {
        this.session = session;
        this.host = host;
        this.loginShell = loginShell;
        this.secrets = secrets;
    }

    @Override
    public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
        return execute(spec, null);
    }

    @Override
    public ProcessResult stream(ProcessSpec spec, OutputStream stdoutSink) throws IOException, InterruptedException {
        return execute(spec, stdoutSink);
    }

    /**
     * Runs the programs as one {@link ProbeBatch} over a single exec channel: the host starts one
     * shell (which reads the user's rc files: pyenv or nvm set-up can cost a second) instead of one
     * per program. The batch's timeout is the sum of theirs; programs it did not reach are
     * reported as timed out or failed with the channel's status.
     */
    @Override
    public List<ProcessResult> runAll(List<ProcessSpec> specs) throws IOException, InterruptedException {
        if (specs.size() < 2 || specs.stream().anyMatch(s -> s.stdin() != null)) {
            return ProcessRunner.super.runAll(specs);
        }
        List<String> lines = new ArrayList<>();
        Duration timeout = Duration.ZERO;
        long limit = 0;
        for (ProcessSpec s : specs) {
            lines.add(commandLine(s, false));
            timeout = timeout.plus(s.timeout());
            limit += s.captureLimit();
        }
        ProbeBatch batch = ProbeBatch.of(lines);
        String command = loginShell ? "bash -lc " + ShellWords.quote(batch.commandLine()) : batch.commandLine();
        MarkerClock clock = new MarkerClock(batch.marker(), System::nanoTime);
        long start = System.nanoTime();
        ProcessResult all = execute(command, ProcessSpec.of("sh").withTimeout(timeout).withCaptureLimit(limit), null,
                clock);
        List<ProbeBatch.Piece> pieces = batch.split(all.stdout());
        List<Long> arrivals = clock.arrivals();
        List<ProcessResult> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (i < pieces.size()) {
                ProbeBatch.Piece p = pieces.get(i);
                // Each program's own time: from the previous one's marker (the first: from the start)
                // to its marker's arrival. Without an arrival (cannot happen for a split piece, but the
                // split and the clock read the stream separately) the batch's whole time stands in.
                Duration took = i < arrivals.size()
                        ? Duration.ofNanos(arrivals.get(i) - (i == 0 ? start : arrivals.get(i - 1)))
                        : all.elapsed();
                out.add(new ProcessResult(p.exitCode(), p.output(), "", false, all.truncated(), p.output().length(),
                        took, null));
            } else {
                out.add(new ProcessResult(all.timedOut() ? 124 : all.exitCode() == 0 ? 255 : all.exitCode(), "",
                        all.stderr(), all.timedOut(), all.truncated(), 0, all.elapsed(), null));
            }
        }
        return out;
    }

    @Override
    public String target() {
        return host.toString();
    }

    /** The command string sent to the host for a spec (public so tests can check the quoting). */
    public static String commandLine(ProcessSpec spec, boolean loginShell) throws IOException {
        if (!spec.env().isEmpty()) {
            // Over SSH the only ways to pass variables put them on the remote command line or
            // depend on the server's AcceptEnv; env values may be secrets, so neither is done.
            throw new IOException("environment variables are not passed to remote hosts (they may be secrets); "
                    + spec.program() + " must run without them");
        }
        String cmd = ShellWords.join(spec.argv());
        if (spec.workDir() != null) {
            cmd = "cd " + ShellWords.quote(spec.workDir()) + " && " + cmd;
        }
        if (loginShell) {
            // A login shell reads the profile, where version managers (nvm, phpenv) put tools on PATH.
            cmd = "bash -lc " + ShellWords.quote(cmd);
        }
        return cmd;
    }

    private ProcessResult execute(ProcessSpec spec, OutputStream sink) throws IOException, InterruptedException {
        return execute(commandLine(spec, loginShell), spec, sink, null);
    }

    private ProcessResult execute(String command, ProcessSpec spec, OutputStream sink, MarkerClock clock)
            throws IOException, InterruptedException {
        LOG.log(Level.FINE, () -> host + ": run " + secrets.redact(command));
        long start = System.nanoTime();
        Capture out = new Capture(sink, spec.captureLimit(), clock);
        Capture err = new Capture(null, spec.captureLimit(), null);
        List<Thread> feeders = new ArrayList<>();
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setOut(out);
            ch.setErr(err);
            if (spec.stdin() != null) {
                PipedInputStream in = new PipedInputStream(1 << 16);
                PipedOutputStream feed = new PipedOutputStream(in);
                ch.setIn(in);
                Thread t = new Thread(() -> {
                    try (feed) {
                        spec.stdin().writeTo(feed);
                    } catch (IOException e) {
                        // The remote program stopped reading; its exit status says whether that was wrong.
                    }
                }, "preflight-ssh-stdin");
                t.setDaemon(true);
                feeders.add(t);
            } else {
                ch.setIn(InputStream.nullInputStream());
            }
            ch.open().verify(spec.timeout().toMillis());
            feeders.forEach(Thread::start);
            Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), spec.timeout().toMillis());
            boolean timedOut = ev.contains(ClientChannelEvent.TIMEOUT);
            if (timedOut) {
                // Closing the channel hangs up the remote command (SIGHUP through sshd).
                ch.close(true);
            }
            for (Thread t : feeders) {
                t.join(Duration.ofSeconds(5).toMillis());
            }
            Integer status = ch.getExitStatus();
            String signal = ch.getExitSignal();
            int code = status != null ? status : timedOut ? 124 : signal != null ? 128 : 255;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (out.failure != null) {
                throw out.failure;
            }
            String stderr = secrets.redact(err.text()) + (status == null && signal != null && !timedOut
                    ? "\n(killed by signal " + signal + ")" : "");
            return new ProcessResult(code, sink == null ? out.text() : "", stderr.strip(), timedOut,
                    out.truncated || err.truncated, out.total, elapsed, null);
        }
    }

    @Override
    public void close() throws IOException {
        session.close(false).await(Duration.ofSeconds(5).toMillis());
    }

    /** Receives one output stream from the channel: to a sink, or into a bounded buffer; counts every byte. */
    private static final class Capture extends OutputStream {
        private final OutputStream sink;
        private final long limit;
        /** Notes when a batch's marker lines arrive (null when not a batch). */
        private final MarkerClock clock;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;
        private boolean truncated;
        private IOException failure;

        Capture(OutputStream sink, long limit, MarkerClock clock) {
            this.sink = sink;
            this.limit = limit;
            this.clock = clock;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            total += len;
            if (clock != null) {
                clock.scan(b, off, len);
            }
            if (sink != null) {
                if (failure == null) {
                    try {
                        sink.write(b, off, len);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
            } else if (kept.size() < limit) {
                int room = (int) Math.min(len, limit - kept.size());
                kept.write(b, off, room);
                truncated |= room < len;
            } else {
                truncated = true;
            }
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
