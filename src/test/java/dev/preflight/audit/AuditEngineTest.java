package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.audit.AuditModel.Check;
import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.core.Json;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The engine over a fake connector that answers with real tools' recorded outputs. */
class AuditEngineTest {
    /** Hosts by name -> program -> output; a missing program answers 127 like a shell. */
    static final class RecordedHosts implements HostConnector {
        final Map<String, Map<String, String>> outputs;
        final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();

        RecordedHosts(Map<String, Map<String, String>> outputs) {
            this.outputs = outputs;
        }

        @Override
        public ProcessRunner connect(HostUri host) throws IOException {
            connections.computeIfAbsent(host.host(), k -> new AtomicInteger()).incrementAndGet();
            Map<String, String> out = outputs.get(host.host());
            if (out == null) {
                throw new IOException("connection refused");
            }
            return new ProcessRunner() {
                @Override
                public ProcessResult run(ProcessSpec spec) {
                    String o = out.get(spec.program());
                    if (o == null) {
                        return new ProcessResult(127, "", "bash: " + spec.program() + ": command not found", false, false,
                                0, Duration.ZERO, null);
                    }
                    return new ProcessResult(0, o, "", false, false, o.length(), Duration.ZERO, null);
                }

                @Override
                public ProcessResult stream(ProcessSpec spec, OutputStream sink) throws IOException {
                    ProcessResult r = run(spec);
                    new ByteArrayInputStream(r.stdout().getBytes(StandardCharsets.UTF_8)).transferTo(sink);
                    return r;
                }

                @Override
                public String target() {
                    return host.toString();
                }
            };
        }
    }

    private static Host host(String name) {
        return new Host("production", name, HostUri.parse("ssh://deploy@" + name + ":22"));
    }

    private static Requirement req(String tool, String constraint, String flavor) {
        return new Requirement(null, Tool.byId(tool).orElseThrow(), Constraint.parse(constraint), flavor, List.of());
    }

    private final List<Requirement> reqs = List.of(req("php", "8.3", null), req("node", "20", null),
            req("mysql", ">=8.0.36 <8.1", "mysql"), req("redis-server", "7", null));

    private final RecordedHosts fleet = new RecordedHosts(Map.of(
            "good", Map.of("php", "PHP Warning:  Module \"curl\" is already loaded in Unknown on line 0\n8.3.6",
                    "node", "v20.11.1",
                    "mysql", "mysql  Ver 8.0.36-0ubuntu0.22.04.1 for Linux on x86_64 ((Ubuntu))",
                    "redis-server", "Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=a2"),
            "drifted", Map.of("node", "v18.20.4",
                    "mysql", "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper",
                    "redis-server", "garbage")));

    @Test
    void everyFailureOnEveryHostIsReportedAndEachHostConnectedOnce() throws Exception {
        Report r = new AuditEngine(fleet, new Prober(Duration.ofSeconds(5)), 4)
                .audit(List.of(host("good"), host("drifted"), host("down")), reqs);
        assertThat(r.hosts().get(0).checks()).allMatch(c -> c instanceof Check.Passed);
        List<Check> d = r.hosts().get(1).checks();
        assertThat(d.get(0)).isInstanceOfSatisfying(Check.Failed.class,
                f -> assertThat(f.reason()).isEqualTo("php is not installed"));
        assertThat(d.get(1)).isInstanceOfSatisfying(Check.Failed.class,
                f -> assertThat(f.reason()).contains("18.20.4 does not satisfy 20"));
        assertThat(d.get(2)).isInstanceOfSatisfying(Check.Failed.class,
                f -> assertThat(f.reason()).isEqualTo("flavor is mariadb, requires mysql"));
        assertThat(d.get(3)).isInstanceOf(Check.ProbeError.class);
        assertThat(r.hosts().get(2).unreachable()).isEqualTo("connection refused");
        assertThat(r.failures()).isEqualTo(3);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(fleet.connections).containsOnlyKeys("good", "drifted", "down");
        assertThat(fleet.connections.values()).allMatch(c -> c.get() == 1);
    }

    /**
     * Hosts whose connect waits until {@code together} hosts are connecting (at most 300 ms), counting
     * how many are connecting at once.
     */
    private static final class SlowHosts implements HostConnector {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final RecordedHosts answers;
        final CountDownLatch together;

        SlowHosts(RecordedHosts answers, int together) {
            this.answers = answers;
            this.together = new CountDownLatch(together);
        }

        @Override
        public ProcessRunner connect(HostUri host) throws IOException {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            together.countDown();
            try {
                together.await(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return answers.connect(host);
        }
    }

    @Test
    void theAdaptivePaceStartsFourHostsAtOnceAndFixedStartsTheBound() throws Exception {
        List<Host> six = Collections.nCopies(6, host("good"));
        // Six would meet if six were let in at once: the pace lets in four.
        SlowHosts slow = new SlowHosts(fleet, 6);
        Report adaptive = new AuditEngine(slow, new Prober(Duration.ofSeconds(5)), new NetworkServerProber(Duration.ofSeconds(5)),
                32, FleetPace.Mode.ADAPTIVE).audit(six, reqs);
        assertThat(slow.most.get()).isLessThanOrEqualTo(FleetPace.START);
        // After the first four, the pace judged them and doubled for the last two.
        assertThat(adaptive.pace()).containsExactly(Map.entry("production", List.of(FleetPace.START, 2 * FleetPace.START)));
        assertThat(adaptive.exitCode()).isZero();
        SlowHosts slow2 = new SlowHosts(fleet, 6);
        Report fixed = new AuditEngine(slow2, new Prober(Duration.ofSeconds(5)), new NetworkServerProber(Duration.ofSeconds(5)),
                32, FleetPace.Mode.FIXED).audit(six, reqs);
        assertThat(slow2.most.get()).isEqualTo(6);
        assertThat(fixed.pace()).containsExactly(Map.entry("production", List.of(32)));
    }

    /**
     * Addresses named {@code hole-*} never answer: their connect waits until every live host has
     * connected (or 20 s, the test's bound) and then fails as a connect timeout does. Live hosts
     * answer at once.
     */
    private static final class BlackHoles implements HostConnector {
        final RecordedHosts answers;
        final CountDownLatch live;
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicInteger heldToTheEnd = new AtomicInteger();

        BlackHoles(RecordedHosts answers, int live) {
            this.answers = answers;
            this.live = new CountDownLatch(live);
        }

        @Override
        public ProcessRunner connect(HostUri host) throws IOException {
            if (host.host().startsWith("hole")) {
                try {
                    if (!released.await(20, TimeUnit.SECONDS)) {
                        heldToTheEnd.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("no answer from " + host.host() + ":22 within the connect timeout");
            }
            ProcessRunner r = answers.connect(host);
            live.countDown();
            if (live.getCount() == 0) {
                released.countDown();
            }
            return r;
        }
    }

    @Test
    void deadAddressesFirstDoNotHoldBackTheLiveHosts() throws Exception {
        // The pace's first window is four: four dead addresses first would have filled it until
        // their connect timeout. They never answered, so at the straggler floor they stop counting.
        List<Host> hosts = List.of(host("hole-1"), host("hole-2"), host("hole-3"), host("hole-4"),
                host("good"), host("good"), host("good"), host("good"));
        BlackHoles net = new BlackHoles(fleet, 4);
        Report r = new AuditEngine(net, new Prober(Duration.ofSeconds(5)), new NetworkServerProber(Duration.ofSeconds(5)),
                32, FleetPace.Mode.ADAPTIVE).audit(hosts, reqs);
        assertThat(net.heldToTheEnd).as("live hosts audited while the dead ones still waited").hasValue(0);
        assertThat(r.hosts().subList(0, 4)).allSatisfy(h -> assertThat(h.unreachable()).contains("connect timeout"));
        assertThat(r.hosts().subList(4, 8)).allSatisfy(h -> assertThat(h.checks()).allMatch(c -> c instanceof Check.Passed));
        assertThat(r.exitCode()).isEqualTo(3);
    }

    @Test
    void unreachableWithoutFailuresExitsThree() throws Exception {
        Report r = new AuditEngine(fleet, new Prober(Duration.ofSeconds(5)), 2)
                .audit(List.of(host("good"), host("down")), reqs);
        assertThat(r.exitCode()).isEqualTo(3);
        Report ok = new AuditEngine(fleet, new Prober(Duration.ofSeconds(5)), 2).audit(List.of(host("good")), reqs);
        assertThat(ok.exitCode()).isZero();
    }

    @Test
    void reportsRenderInEveryFormat() throws Exception {
        Report r = new AuditEngine(fleet, new Prober(Duration.ofSeconds(5)), 4)
                .audit(List.of(host("good"), host("drifted"), host("down")), reqs);
        String text = AuditReport.REPORT.render(r, Format.TEXT, Style.PLAIN);
        assertThat(text).contains("production/good", "ok 8.3.6", "FAIL 18.20.4",
                "[FAIL] production/drifted: node 20: version 18.20.4 does not satisfy 20",
                "[UNREACHABLE] production/down: connection refused", "FAILED: 3 host(s), 3 failure(s)");
        String junit = AuditReport.REPORT.render(r, Format.JUNIT, Style.PLAIN);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(junit.getBytes(StandardCharsets.UTF_8)));
        var suites = doc.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(3);
        assertThat(suites.item(0).getAttributes().getNamedItem("name").getNodeValue()).isEqualTo("production/good");
        assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(3);
        assertThat(junit).contains("name=\"mysql &gt;=8.0.36 &lt;8.1\"");
        String json = AuditReport.REPORT.render(r, Format.JSON, Style.PLAIN);
        assertThat(Json.parse(json).path("hosts").get(0).path("checks").get(0).path("raw").asText())
                .contains("PHP Warning");
        assertThat(AuditReport.REPORT.render(r, Format.MARKDOWN, Style.PLAIN)).contains("| production/drifted |");
    }
}
