package dev.preflight.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH runner against in-process MINA SSHD servers on loopback, with real keys and known_hosts. */
class SshConnectorTest {
    @TempDir
    Path dir;
    TestSshHosts fleet;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new TestSshHosts(dir.resolve("fleet"));
    }

    @AfterEach
    void tearDown() throws IOException {
        fleet.close();
    }

    @Test
    void runsArgvWordsVerbatimOverOneSession() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        assertThat(h.hostKeyLine()).contains(" ssh-ed25519 ");
        List<String> nasty = List.of("plain", "two words", "it's", "$HOME", "`id`", "a;b", "*", "", "x\ny", "\"q\"");
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(h))), Secrets.none());
             ProcessRunner r = c.connect(h.uri())) {
            List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
            argv.addAll(nasty);
            ProcessResult res = r.run(ProcessSpec.of(argv));
            assertThat(res.exitCode()).isZero();
            StringBuilder want = new StringBuilder();
            nasty.forEach(w -> want.append('[').append(w).append("]\n"));
            assertThat(res.stdout()).isEqualTo(want.toString());
            ProcessResult err = r.run(ProcessSpec.of("bash", "-c", "echo oops >&2; exit 3"));
            assertThat(err.exitCode()).isEqualTo(3);
            assertThat(err.stderr()).isEqualTo("oops");
            assertThat(r.target()).isEqualTo("ssh://deploy@127.0.0.1:" + h.port());
        }
        assertThat(h.sessions().get()).isEqualTo(1);
    }

    @Test
    void runAllSendsOneBatchAndSplitsItPerProgram() throws Exception {
        TestSshHosts.Host h = fleet.real("app-batch");
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(h))), Secrets.none());
             ProcessRunner r = c.connect(h.uri())) {
            List<ProcessResult> res = r.runAll(List.of(
                    ProcessSpec.of("printf", "%s\\n", "it's; a \"word\"", "$HOME"),
                    ProcessSpec.of("no-such-program-preflight"),
                    ProcessSpec.of("bash", "-c", "echo to-err >&2; printf no-newline; exit 3"),
                    ProcessSpec.of("cat")));   // stdin is /dev/null: cat ends at once
            assertThat(res).hasSize(4);
            assertThat(res.get(0).exitCode()).isZero();
            assertThat(res.get(0).stdout()).isEqualTo("it's; a \"word\"\n$HOME\n");
            assertThat(res.get(1).notFound()).isTrue();
            assertThat(res.get(1).stdout()).contains("no-such-program-preflight");
            assertThat(res.get(2).exitCode()).isEqualTo(3);
            assertThat(res.get(2).stdout()).isEqualTo("to-err\nno-newline");
            assertThat(res.get(3).exitCode()).isZero();
            assertThat(res.get(3).stdout()).isEmpty();
        }
        assertThat(h.sessions().get()).isEqualTo(1);
    }

    @Test
    void eachProgramOfABatchGetsItsOwnTime() throws Exception {
        TestSshHosts.Host h = fleet.real("app-timed");
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(h))), Secrets.none());
             ProcessRunner r = c.connect(h.uri())) {
            List<ProcessResult> res = r.runAll(List.of(
                    ProcessSpec.of("echo", "quick"),
                    ProcessSpec.of("sleep", "0.6"),
                    ProcessSpec.of("echo", "quick again")));
            // One channel, three programs: the sleeping one carries its 0.6 s, the others do not,
            // and the three add up to no more than the batch took. Times are marker arrivals at the
            // client (MarkerClock), so the previous marker arriving a few ms late shortens the next
            // program's time by as much: 0.597 s was measured once under the full suite's load.
            assertThat(res.get(1).elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(550));
            assertThat(res.get(2).elapsed()).isLessThan(Duration.ofMillis(600));
            assertThat(res.get(0).elapsed()).isLessThan(res.get(1).elapsed());
            assertThat(res.get(0).elapsed().plus(res.get(1).elapsed()).plus(res.get(2).elapsed()))
                    .isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aBatchCutShortReportsTheProgramsItDidNotReachAsTimedOut() throws Exception {
        TestSshHosts.Host h = fleet.real("app-slow");
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(h))), Secrets.none());
             ProcessRunner r = c.connect(h.uri())) {
            List<ProcessResult> res = r.runAll(List.of(
                    ProcessSpec.of("echo", "first").withTimeout(Duration.ofMillis(500)),
                    ProcessSpec.of("sleep", "30").withTimeout(Duration.ofMillis(500)),
                    ProcessSpec.of("echo", "never").withTimeout(Duration.ofMillis(500))));
            assertThat(res.get(0).stdout()).isEqualTo("first\n");
            assertThat(res.get(0).timedOut()).isFalse();
            assertThat(res.get(1).timedOut()).isTrue();
            assertThat(res.get(2).timedOut()).isTrue();
            assertThat(res.get(2).stdout()).isEmpty();
        }
    }

    @Test
    void missingProgramIs127AndTimeoutIsReported() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(h))), Secrets.none());
             ProcessRunner r = c.connect(h.uri())) {
            ProcessResult missing = r.run(ProcessSpec.of("no-such-tool-preflight", "-v"));
            assertThat(missing.notFound()).isTrue();
            ProcessResult slow = r.run(ProcessSpec.of("sleep", "30").withTimeout(Duration.ofMillis(500)));
            assertThat(slow.timedOut()).isTrue();
            assertThat(slow.ok()).isFalse();
            // The session survives a timed-out channel.
            assertThat(r.run(ProcessSpec.of("echo", "still here")).stdout()).isEqualTo("still here\n");
        }
    }

    @Test
    void streamsStdoutAndFeedsStdin() throws Exception {
        TestSshHosts.Host h = fleet.real("db-1");
        byte[] payload = new byte[3 << 20];
        new Random(7).nextBytes(payload);
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(h))), Secrets.none());
             ProcessRunner r = c.connect(h.uri())) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            ProcessResult res = r.stream(ProcessSpec.of("cat").withStdin(out -> out.write(payload)), sink);
            assertThat(res.exitCode()).isZero();
            assertThat(res.stdout()).isEmpty();
            assertThat(res.stdoutBytes()).isEqualTo(payload.length);
            assertThat(sink.toByteArray()).isEqualTo(payload);
        }
    }

    @Test
    void loginShellAndWorkDirAreQuotedOnce() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        Path work = Files.createDirectories(dir.resolve("work dir"));
        SshOptions o = fleet.options(fleet.knownHosts("kh", List.of(h)));
        SshOptions login = new SshOptions(o.knownHosts(), o.identityFiles(), true, true, o.connectTimeout());
        assertThat(SshProcessRunner.commandLine(ProcessSpec.of("node", "-v"), true)).isEqualTo("bash -lc 'node -v'");
        try (SshConnector c = new SshConnector(login, Secrets.none()); ProcessRunner r = c.connect(h.uri())) {
            assertThat(r.run(ProcessSpec.of("pwd").withWorkDir(work.toString())).stdout()).isEqualTo(work + "\n");
            // shopt is a builtin, so it reports on the shell the command line runs in.
            assertThat(r.run(ProcessSpec.of("shopt", "-q", "login_shell")).exitCode()).isZero();
        }
        try (SshConnector c = new SshConnector(o, Secrets.none()); ProcessRunner r = c.connect(h.uri())) {
            assertThat(r.run(ProcessSpec.of("shopt", "-q", "login_shell")).exitCode()).isEqualTo(1);
        }
        assertThatThrownBy(() -> SshProcessRunner.commandLine(ProcessSpec.of("x").withEnv(Map.of("PW", "s")), false))
                .hasMessageContaining("not passed to remote hosts");
    }

    @Test
    void unknownHostKeyIsRefusedUnderStrictChecking() throws Exception {
        TestSshHosts.Host known = fleet.real("known");
        TestSshHosts.Host stranger = fleet.real("stranger");
        try (SshConnector c = new SshConnector(fleet.options(fleet.knownHosts("kh", List.of(known))), Secrets.none())) {
            assertThatThrownBy(() -> c.connect(stranger.uri())).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + stranger.port() + " is not in")
                    .hasMessageContaining("refused under strict host key checking");
        }
    }

    @Test
    void changedHostKeyIsRefusedAsMismatch() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        TestSshHosts.Host other = fleet.real("other");
        // known_hosts names h's address with other's key: what a re-imaged or spoofed host looks like.
        String forged = "[127.0.0.1]:" + h.port() + " " + other.hostKeyLine().substring(other.hostKeyLine().indexOf(' ') + 1);
        Path kh = dir.resolve("forged_known_hosts");
        Files.writeString(kh, forged + "\n");
        try (SshConnector c = new SshConnector(fleet.options(kh), Secrets.none())) {
            assertThatThrownBy(() -> c.connect(h.uri())).isInstanceOf(IOException.class)
                    .hasMessageContaining("HOST KEY MISMATCH");
        }
        // The plan's explicit relaxation accepts it.
        SshOptions o = fleet.options(kh);
        try (SshConnector c = new SshConnector(new SshOptions(o.knownHosts(), o.identityFiles(), false, false,
                o.connectTimeout()), Secrets.none()); ProcessRunner r = c.connect(h.uri())) {
            assertThat(r.run(ProcessSpec.of("echo", "ok")).stdout()).isEqualTo("ok\n");
        }
    }

    @Test
    void aRevokedKeyIsRefusedEvenBesideAPlainEntryForIt() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        TestSshHosts.Host ok = fleet.real("app-2");
        Path kh = dir.resolve("revoked_known_hosts");
        Files.writeString(kh, h.hostKeyLine() + "\n@revoked " + h.hostKeyLine() + "\n" + ok.hostKeyLine() + "\n");
        try (SshConnector c = new SshConnector(fleet.options(kh), Secrets.none())) {
            // Twice: the second check reads the entries' keys as decoded by the first.
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> c.connect(h.uri())).isInstanceOf(IOException.class)
                        .hasMessageContaining("is marked @revoked in " + kh)
                        .hasMessageMatching("(?s).*\\(SHA256:[A-Za-z0-9+/]{43}\\).*");
                assertServes(c, ok);
            }
        }
    }

    @Test
    void aMismatchNamesThePresentedKeysFingerprint() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        TestSshHosts.Host other = fleet.real("other");
        Path kh = dir.resolve("forged_known_hosts");
        Files.writeString(kh, "[127.0.0.1]:" + h.port() + " " + other.hostKeyLine().substring(other.hostKeyLine().indexOf(' ') + 1)
                + "\n" + other.hostKeyLine() + "\n");
        try (SshConnector c = new SshConnector(fleet.options(kh), Secrets.none())) {
            assertThatThrownBy(() -> c.connect(h.uri())).isInstanceOf(IOException.class)
                    .hasMessageMatching("(?s)HOST KEY MISMATCH: 127\\.0\\.0\\.1:" + h.port()
                            + " presented SHA256:[A-Za-z0-9+/]{43}, which does not match .*");
            // The same key, decoded once, still matches the host it belongs to.
            assertServes(c, other);
        }
    }

    /** The connector reaches the host and runs a command there. */
    private static void assertServes(SshConnector c, TestSshHosts.Host h) throws Exception {
        try (ProcessRunner r = c.connect(h.uri())) {
            assertThat(r.run(ProcessSpec.of("echo", "ok")).stdout()).isEqualTo("ok\n");
        }
    }

    @Test
    void hashedKnownHostsEntriesMatch() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        Path kh = fleet.knownHosts("kh", List.of(h));
        ProcessResult hashed = new LocalProcessRunner(Secrets.none()).run(ProcessSpec.of("ssh-keygen", "-H", "-f", kh.toString()));
        assertThat(hashed.exitCode()).isZero();
        assertThat(Files.readString(kh)).contains("\n|1|").doesNotContain("127.0.0.1");
        try (SshConnector c = new SshConnector(fleet.options(kh), Secrets.none()); ProcessRunner r = c.connect(h.uri())) {
            assertThat(r.run(ProcessSpec.of("echo", "ok")).stdout()).isEqualTo("ok\n");
        }
    }

    @Test
    void hostDownAndWrongKeyAreReportedWithTheirReasonAndOnlyTheLiveAddressAnswered() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path kh = fleet.knownHosts("kh", List.of(h));
        AtomicInteger answers = new AtomicInteger();
        try (SshConnector c = new SshConnector(fleet.options(kh), Secrets.none())) {
            assertThatThrownBy(() -> c.connect(new HostUri("ssh", "deploy", "127.0.0.1", closedPort), answers::incrementAndGet))
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot connect to 127.0.0.1:" + closedPort);
            assertThat(answers).as("a refused address never answered").hasValue(0);
            try (ProcessRunner r = c.connect(h.uri(), answers::incrementAndGet)) {
                assertThat(answers).hasValue(1);
            }
        }
        Path stranger = dir.resolve("stranger_key");
        TestSshHosts.keygen(stranger);
        SshOptions wrongKey = new SshOptions(kh, List.of(stranger), true, false, Duration.ofSeconds(10));
        try (SshConnector c = new SshConnector(wrongKey, Secrets.none())) {
            assertThatThrownBy(() -> c.connect(h.uri(), answers::incrementAndGet)).isInstanceOf(IOException.class)
                    .hasMessageContaining("authentication as deploy failed");
        }
        assertThat(answers).as("the address answered before the login was refused").hasValue(2);
    }

    @Test
    void aSilentAddressNeverAnswers() throws Exception {
        TestSshHosts.Host h = fleet.real("app-1");
        Path kh = fleet.knownHosts("kh", List.of(h));
        AtomicInteger answers = new AtomicInteger();
        // A listener that never accepts, its queue full: the kernel drops the next SYN, as a black hole does.
        try (ServerSocket hole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SshConnector c = new SshConnector(new SshOptions(kh, fleet.options(kh).identityFiles(), true, false,
                     Duration.ofMillis(1500)), Secrets.none())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket q = new Socket();
                    try {
                        q.connect(new InetSocketAddress(hole.getInetAddress(), hole.getLocalPort()), 300);
                        queued.add(q);
                    } catch (IOException full) {
                        q.close();
                        break;
                    }
                }
                assertThatThrownBy(() -> c.connect(new HostUri("ssh", "deploy", "127.0.0.1", hole.getLocalPort()),
                        answers::incrementAndGet)).isInstanceOf(IOException.class).hasMessageContaining("no answer");
                assertThat(answers).hasValue(0);
            } finally {
                for (Socket q : queued) {
                    q.close();
                }
            }
        }
    }

    @Test
    void badConfigurationIsReportedBeforeAnyHostIsContacted() {
        SshOptions noKnownHosts = new SshOptions(dir.resolve("missing"), List.of(), true, false, null);
        assertThatThrownBy(() -> new SshConnector(noKnownHosts, Secrets.none()))
                .hasMessageContaining("known_hosts file").hasMessageContaining("cannot be read");
        SshOptions badKey = new SshOptions(dir.resolve("missing"), List.of(dir.resolve("nokey")), false, false, null);
        assertThatThrownBy(() -> new SshConnector(badKey, Secrets.none())).hasMessageContaining("identity file");
    }

    @Test
    void shellWordsQuoteOnlyWhatNeedsIt() {
        assertThat(ShellWords.join(List.of("php", "-n", "-r", "echo PHP_VERSION;"))).isEqualTo("php -n -r 'echo PHP_VERSION;'");
        assertThat(ShellWords.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.quote("")).isEqualTo("''");
        assertThat(ShellWords.quote("/opt/php83/bin/php")).isEqualTo("/opt/php83/bin/php");
        assertThat(new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("é");
    }
}
