package dev.preflight.cutover;

import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * bench/cutover: switch and failback behind a real nginx on loopback under steady load, several
 * rounds; prints, per round, the time from the start of {@code cutover failback} to the first
 * response served by blue, to the last response served by green, the command's own duration, and
 * the failed requests during the switch and the failback. {@code inproc} runs the commands in this
 * JVM; {@code launcher} runs {@code bin/preflight} as an operator would (JVM start included).
 * Not a test: it never runs in CI.
 */
public final class CutoverBench {
    private CutoverBench() {
    }

    record Round(double firstBlueMs, double lastGreenMs, double commandMs, double switchMs, long requests,
                 long failedSwitch, long failedFailback) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String mode = args.length > 1 ? args[1] : "inproc";
        Path launcher = args.length > 2 ? Path.of(args[2]) : null;
        List<Round> all = new ArrayList<>();
        System.out.printf("mode %s, %d round(s), nginx %s, 2 load threads (new connection per request)%n", mode, rounds,
                "/usr/sbin/nginx");
        System.out.println("round  failback->first blue  ->last green  command  switch  requests  failed(switch)  failed(failback)");
        for (int i = 1; i <= rounds; i++) {
            Round r = round(mode, launcher);
            all.add(r);
            System.out.printf("%5d  %17.1f ms  %8.1f ms  %6.0f ms  %5.0f ms  %8d  %14d  %16d%n", i, r.firstBlueMs(),
                    r.lastGreenMs(), r.commandMs(), r.switchMs(), r.requests(), r.failedSwitch(), r.failedFailback());
        }
        System.out.printf("median failback->first blue %.1f ms (max %.1f ms); median command %.0f ms; failed requests: "
                        + "%d during switches, %d during failbacks (target: failback < 5 s, 0 failed)%n",
                median(all, Round::firstBlueMs), all.stream().mapToDouble(Round::firstBlueMs).max().orElse(0),
                median(all, Round::commandMs), all.stream().mapToLong(Round::failedSwitch).sum(),
                all.stream().mapToLong(Round::failedFailback).sum());
    }

    private static double median(List<Round> rs, ToDoubleFunction<Round> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Round round(String mode, Path launcher) throws Exception {
        Path dir = Files.createTempDirectory("bench-cutover");
        try (ColourServer blue = new ColourServer("blue"); ColourServer green = new ColourServer("green")) {
            Path ng = Files.createDirectories(dir.resolve("nginx"));
            try (Proxies.Running nginx = Proxies.nginx(ng, blue.port())) {
                CutoverCli cli = new CutoverCli(dir);
                cli.plan(CutoverCli.section(blue, green, "\"127.0.0.1:" + blue.port() + "\"",
                        "\"127.0.0.1:" + green.port() + "\"", """
                        type: nginx
                        include_file: %s
                        upstream: academy
                        nginx: [%s]
                        verify_url: "http://127.0.0.1:%d/"
                        """.formatted(ng.resolve("upstream.inc"), String.join(", ", Proxies.nginxArgv(ng)), nginx.port()), ""));
                List<LoadGenerator.Request> reqs;
                long s0;
                long s1;
                long f0;
                long f1;
                try (LoadGenerator load = new LoadGenerator(nginx.port(), 2)) {
                    Thread.sleep(500);
                    s0 = System.nanoTime();
                    run(mode, launcher, cli, dir, "start");
                    s1 = System.nanoTime();
                    Thread.sleep(1000);
                    f0 = System.nanoTime();
                    run(mode, launcher, cli, dir, "failback");
                    f1 = System.nanoTime();
                    Thread.sleep(1000);
                    load.close();
                    reqs = load.requests();
                }
                long firstBlue = reqs.stream().filter(r -> r.startNanos() > f0 && "blue".equals(r.colour()))
                        .map(LoadGenerator.Request::endNanos).min(Comparator.naturalOrder()).orElse(Long.MAX_VALUE);
                long lastGreen = reqs.stream().filter(r -> r.endNanos() > f0 && "green".equals(r.colour()))
                        .map(LoadGenerator.Request::endNanos).max(Comparator.naturalOrder()).orElse(f0);
                long failedSwitch = reqs.stream().filter(r -> r.error() != null && r.endNanos() >= s0 && r.startNanos() <= s1 + 1_000_000_000L).count();
                long failedFailback = reqs.stream().filter(r -> r.error() != null && r.endNanos() >= f0).count();
                return new Round((firstBlue - f0) / 1e6, (lastGreen - f0) / 1e6, (f1 - f0) / 1e6, (s1 - s0) / 1e6,
                        reqs.size(), failedSwitch, failedFailback);
            }
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(String mode, Path launcher, CutoverCli cli, Path dir, String cmd) throws Exception {
        int code;
        String out;
        if (mode.equals("launcher")) {
            Process p = new ProcessBuilder(launcher.toString(), "--plan", dir.resolve("preflight.yaml").toString(),
                    "cutover", cmd).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            code = p.exitValue();
        } else {
            CliRun r = cli.run("cutover", cmd);
            code = r.code();
            out = r.all();
        }
        if (code != 0) {
            throw new IllegalStateException("cutover " + cmd + " exited " + code + ":\n" + out);
        }
    }
}
