package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Check;
import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.HostReport;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.audit.AuditModel.Timing;
import dev.preflight.core.Errors;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The audit's engine, under both verbs ({@link AuditEnvironments}, {@link AuditHosts}): it checks
 * every requirement on every host and reports all results, never stopping at the first failure.
 * Each host is connected once and all its probes run over that one runner; hosts are audited in
 * parallel, as many at once as {@link FleetPace} lets (never above the bound). A host that cannot be
 * reached is reported, the others finish.
 */
public final class AuditEngine {
    private final HostConnector connector;
    private final Prober prober;
    private final ServerProber servers;
    private final int parallel;
    private final FleetPace.Mode pace;

    AuditEngine(HostConnector connector, Prober prober, ServerProber servers, int parallel, FleetPace.Mode pace) {
        this.connector = connector;
        this.prober = prober;
        this.servers = servers;
        this.parallel = Math.max(1, parallel);
        this.pace = pace;
    }

    /** With the adaptive pace. */
    public AuditEngine(HostConnector connector, Prober prober, ServerProber servers, int parallel) {
        this(connector, prober, servers, parallel, FleetPace.Mode.ADAPTIVE);
    }

    /** With the real network server prober (probe timeout 10 s). */
    public AuditEngine(HostConnector connector, Prober prober, int parallel) {
        this(connector, prober, new NetworkServerProber(Duration.ofSeconds(10)), parallel);
    }

    public Report audit(List<Host> hosts, List<Requirement> requirements) throws InterruptedException {
        FleetPace pace = new FleetPace(this.pace, parallel, System::nanoTime);
        // Threads only as the pace starts hosts (an idle one is reused): the pace, not the pool, is
        // the bound, and a fleet paced at 4 at once gets about 4 threads, not --parallel.
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "audit-host");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<HostReport>> futures = new ArrayList<>();
            for (Host h : hosts) {
                FleetPace.Ticket ticket = pace.enter();
                futures.add(pool.submit(() -> {
                    try {
                        return auditHost(h, requirements, () -> pace.answered(ticket));
                    } finally {
                        pace.leave(ticket);
                    }
                }));
            }
            List<HostReport> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(new HostReport(hosts.get(i), "audit of this host crashed: " + e.getCause(), List.of()));
                }
            }
            // Every host of one call is of one environment (or the ad-hoc subject).
            return new Report(out, hosts.isEmpty() ? Map.of() : Map.of(hosts.get(0).environment(), pace.path()));
        } finally {
            pool.shutdownNow();
        }
    }

    /** @param answered called once the host's address accepted a connection (see {@link FleetPace#answered}) */
    private HostReport auditHost(Host host, List<Requirement> requirements, Runnable answered)
            throws InterruptedException {
        List<Requirement> applicable = requirements.stream().filter(r -> r.appliesTo(host)).toList();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        if (host.server() != null) {
            // Its probes have their own timeout and hold no connection that could wait for one.
            answered.run();
            return auditServer(host, applicable, started, t0);
        }
        if (applicable.isEmpty()) {
            return new HostReport(host, null, List.of(), new Timing(started, since(t0), List.of()));
        }
        try (ProcessRunner runner = connector.connect(host.uri(), answered)) {
            // Bounded probes per host. A remote host gets all its probes as one batch, one after
            // another in one exec channel and one shell (ProcessRunner.runAll): four probes at once
            // on every host started 4x the processes at the same moment, which thrashed when hosts
            // share cores and would not be welcome on a loaded production host, and each channel
            // paid the user's shell start-up (rc files) again. The parallelism is across hosts
            // (--parallel). This machine's own probes run up to one per core: they are the whole cost.
            if (!host.uri().isLocal()) {
                // One batch; each probe's own time is where its output ended (SshProcessRunner).
                Duration[] times = new Duration[applicable.size()];
                List<Check> checks = probeBatch(runner, applicable, times);
                return new HostReport(host, null, checks, new Timing(started, since(t0), List.of(times)));
            }
            int bound = Math.min(applicable.size(), Runtime.getRuntime().availableProcessors());
            Duration[] times = new Duration[applicable.size()];
            List<Check> checks = probeAll(runner, applicable, bound, times);
            return new HostReport(host, null, checks, new Timing(started, since(t0), List.of(times)));
        } catch (IOException e) {
            return new HostReport(host, Errors.describe(e), List.of(),
                    new Timing(started, since(t0), List.of()));
        }
    }

    private static Duration since(long nanoStart) {
        return Duration.ofNanos(System.nanoTime() - nanoStart);
    }

    private List<Check> probeBatch(ProcessRunner runner, List<Requirement> reqs, Duration[] times) {
        List<Check> checks = new ArrayList<>();
        // Unmeasured (the batch failed as a whole) reads as zero, as Timing#of does.
        Arrays.fill(times, Duration.ZERO);
        try {
            List<ProbeResult> results = prober.probeAll(runner, reqs, times);
            for (int i = 0; i < reqs.size(); i++) {
                checks.add(judge(reqs.get(i), results.get(i)));
            }
        } catch (IOException e) {
            reqs.forEach(r -> checks.add(new Check.ProbeError(r, "", "probe failed: " + Errors.describe(e), null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reqs.forEach(r -> checks.add(new Check.ProbeError(r, "", "probe interrupted", null)));
        }
        return checks;
    }

    /**
     * Probes every requirement with at most {@code bound} probes running at once; results in
     * requirement order, each probe's time into {@code times}.
     */
    private List<Check> probeAll(ProcessRunner runner, List<Requirement> reqs, int bound, Duration[] times)
            throws InterruptedException {
        Check[] checks = new Check[reqs.size()];
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < checks.length && !Thread.currentThread().isInterrupted();
                 i = next.getAndIncrement()) {
                long p0 = System.nanoTime();
                checks[i] = probeOne(runner, reqs.get(i));
                times[i] = since(p0);
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < bound; i++) {
            Thread t = new Thread(worker, "audit-probe");
            t.setDaemon(true);
            helpers.add(t);
            t.start();
        }
        try {
            worker.run();
            for (Thread t : helpers) {
                t.join();
            }
        } catch (InterruptedException e) {
            helpers.forEach(Thread::interrupt);
            throw e;
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        return List.of(checks);
    }

    private Check probeOne(ProcessRunner runner, Requirement r) {
        try {
            return judge(r, prober.probe(runner, r));
        } catch (IOException e) {
            return new Check.ProbeError(r, "", "probe failed: " + Errors.describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check.ProbeError(r, "", "probe interrupted", null);
        }
    }

    /** A server is asked once; every requirement on it is read from that one answer. */
    private HostReport auditServer(Host host, List<Requirement> applicable, Instant started, long t0) {
        String raw;
        try {
            raw = servers.query(host.server());
        } catch (IOException e) {
            return new HostReport(host, Errors.describe(e), List.of(),
                    new Timing(started, since(t0), List.of()));
        }
        // The one query is every check's probe: each is reported with its time.
        Duration asking = since(t0);
        String asked = host.server().kind().equals("mysql") ? "SELECT VERSION()" : "INFO server";
        List<Check> checks = new ArrayList<>();
        for (Requirement r : applicable) {
            checks.add(judge(r, Prober.read(r, raw, asked)));
        }
        return new HostReport(host, null, checks, new Timing(started, since(t0),
                Collections.nCopies(checks.size(), asking)));
    }

    private static Check judge(Requirement r, ProbeResult p) {
        if (p instanceof ProbeResult.NotInstalled n) {
            return new Check.Failed(r, "", n.program() + " is not installed", p);
        }
        if (p instanceof ProbeResult.Unreadable u) {
            return new Check.ProbeError(r, "", u.reason(), p);
        }
        Parsed found = ((ProbeResult.Found) p).parsed();
        String shown = found.version().raw() + (found.flavor() == null ? "" : " (" + found.flavor() + ")");
        if (r.flavor() != null && !r.flavor().equals(found.flavor())) {
            return new Check.Failed(r, shown, "flavor is " + (found.flavor() == null ? "unknown" : found.flavor())
                    + ", requires " + r.flavor(), p);
        }
        if (!r.constraint().test(found.version())) {
            return new Check.Failed(r, shown, "version " + found.version().raw() + " does not satisfy "
                    + r.constraint().text() + " (" + r.constraint().normalized() + ")", p);
        }
        return new Check.Passed(r, shown, p);
    }
}
