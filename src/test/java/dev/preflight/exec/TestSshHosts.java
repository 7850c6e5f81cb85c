package dev.preflight.exec;

import dev.preflight.core.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * In-process SSH servers on loopback ports standing in for a fleet of hosts in tests and the
 * audit benchmark. Public-key auth against an authorized_keys file made with the real
 * {@code ssh-keygen}; each host either runs the command it receives with {@code bash -c} (as
 * OpenSSH's sshd hands it to the login shell) or answers from recorded real tool outputs.
 */
public final class TestSshHosts implements AutoCloseable {
    /** What a recorded host answers to one command. */
    public record Reply(int exit, String stdout, String stderr) {
    }

    private final Path dir;
    private final Path clientKey;
    private final Path authorizedKeys;
    private final List<Host> hosts = new ArrayList<>();

    /** One running server, with how many sessions it has accepted (to prove one session per host). */
    public record Host(String name, SshServer server, AtomicInteger sessions, String hostKeyLine) {
        public int port() {
            return server.getPort();
        }

        public HostUri uri() {
            return new HostUri("ssh", "deploy", "127.0.0.1", port());
        }
    }

    public TestSshHosts(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.clientKey = dir.resolve("id_ed25519");
        keygen(clientKey);
        this.authorizedKeys = dir.resolve("authorized_keys");
        Files.copy(Path.of(clientKey + ".pub"), authorizedKeys);
    }

    /** Makes an unencrypted ed25519 key with the real ssh-keygen (the format users have). */
    public static void keygen(Path key) throws IOException, InterruptedException {
        ProcessResult r = new LocalProcessRunner(Secrets.none()).run(ProcessSpec.of("ssh-keygen", "-q", "-t", "ed25519",
                "-N", "", "-C", "preflight-test", "-f", key.toString()).withTimeout(Duration.ofSeconds(30)));
        if (!r.ok()) {
            throw new IOException("ssh-keygen failed: " + r.stderr());
        }
    }

    public Path clientKey() {
        return clientKey;
    }

    /** A host that runs what it is sent with bash -c, like a real sshd. */
    public Host real(String name) throws IOException {
        return start(name, cmd -> null);
    }

    /** A host that answers from recorded outputs; anything else is 127 "command not found". */
    public Host recorded(String name, Map<String, Reply> replies) throws IOException {
        Function<String, Reply> one = cmd -> replies.getOrDefault(cmd,
                new Reply(127, "", "bash: line 1: " + cmd.split(" ")[0] + ": command not found\n"));
        // A batch (ProbeBatch) is answered as a shell runs it: each command's recorded output with
        // stderr merged, then the marker line with its exit status.
        return start(name, cmd -> ProbeBatch.parse(cmd).map(b -> {
            StringBuilder out = new StringBuilder();
            for (String c : b.commands()) {
                Reply r = one.apply(c);
                out.append(r.stdout()).append(r.stderr()).append('\n').append(b.marker()).append(' ').append(r.exit()).append('\n');
            }
            return new Reply(0, out.toString(), "");
        }).orElseGet(() -> one.apply(cmd)));
    }

    private Host start(String name, Function<String, Reply> recorded) throws IOException {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        // ed25519 host keys, as current OpenSSH servers present first.
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(dir.resolve(name + "-hostkey.ser"));
        keys.setAlgorithm(SecurityUtils.EDDSA);
        server.setKeyPairProvider(keys);
        server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> new Exec(command, recorded.apply(command)));
        AtomicInteger sessions = new AtomicInteger();
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessions.incrementAndGet();
            }
        });
        server.start();
        KeyPair hostKey;
        try {
            hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        String line = "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic());
        Host h = new Host(name, server, sessions, line);
        hosts.add(h);
        return h;
    }

    /** A known_hosts file listing the given hosts' real keys. */
    public Path knownHosts(String fileName, List<Host> list) throws IOException {
        Path f = dir.resolve(fileName);
        StringBuilder sb = new StringBuilder("# test known_hosts\n");
        list.forEach(h -> sb.append(h.hostKeyLine()).append('\n'));
        Files.writeString(f, sb.toString());
        return f;
    }

    public SshOptions options(Path knownHosts) {
        return new SshOptions(knownHosts, List.of(clientKey), true, false, Duration.ofSeconds(10));
    }

    @Override
    public void close() throws IOException {
        for (Host h : hosts) {
            h.server().stop(true);
        }
    }

    /** One exec request: a real bash -c process, or a recorded reply. */
    private static final class Exec implements Command {
        private final String command;
        private final Reply reply;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Process process;

        Exec(String command, Reply reply) {
            this.command = command;
            this.reply = reply;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(this::run, "test-sshd-exec");
            t.setDaemon(true);
            t.start();
        }

        private void run() {
            int code;
            try {
                if (reply != null) {
                    out.write(reply.stdout().getBytes(StandardCharsets.UTF_8));
                    err.write(reply.stderr().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    err.flush();
                    code = reply.exit();
                } else {
                    Process p = new ProcessBuilder("bash", "-c", command).start();
                    process = p;
                    Thread pumpIn = pump(in, p.getOutputStream(), true);
                    Thread pumpOut = pump(p.getInputStream(), out, false);
                    Thread pumpErr = pump(p.getErrorStream(), err, false);
                    code = p.waitFor();
                    pumpOut.join();
                    pumpErr.join();
                    pumpIn.interrupt();
                }
            } catch (IOException | InterruptedException e) {
                code = 255;
            }
            exit.onExit(code);
        }

        private static Thread pump(InputStream from, OutputStream to, boolean closeTo) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = from.read(buf)) > 0) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                    if (closeTo) {
                        to.close();
                    }
                } catch (IOException e) {
                    // the other side went away
                }
            }, "test-sshd-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
