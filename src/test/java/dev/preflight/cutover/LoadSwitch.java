package dev.preflight.cutover;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.LedgerEntry;
import java.util.List;

/** The shared scenario of the nginx and HAProxy tests: start to switched, then failback, under load. */
final class LoadSwitch {
    private LoadSwitch() {
    }

    static void assertZeroFailureSwitchAndFailback(CutoverCli cli, int port) throws Exception {
        List<LoadGenerator.Request> reqs;
        long switched;
        long failbackStart;
        long failedBack;
        try (LoadGenerator load = new LoadGenerator(port, 2)) {
            awaitRequests(load, 20);
            CliRun start = cli.run("cutover", "start");
            switched = System.nanoTime();
            assertThat(start.code()).as(start.all()).isZero();
            assertThat(start.out()).contains("prepare: PASSED", "switch: PASSED", "routes to green",
                    "cutover of staging is switched");
            awaitRequests(load, load.requests().size() + 50);
            failbackStart = System.nanoTime();
            CliRun fb = cli.run("cutover", "failback");
            failedBack = System.nanoTime();
            assertThat(fb.code()).as(fb.all()).isZero();
            assertThat(fb.out()).contains("failback: PASSED", "routes to blue", "failback took");
            awaitRequests(load, load.requests().size() + 50);
            load.close();
            reqs = load.requests();
        }
        assertThat(reqs).as("requests sent").hasSizeGreaterThan(100);
        assertThat(reqs).as("failed requests").filteredOn(r -> r.error() != null).isEmpty();
        // Responses to requests that started after a command returned come from the new colour only;
        // requests in flight during the reload may be served by either.
        List<LoadGenerator.Request> onGreen = reqs.stream()
                .filter(r -> r.startNanos() > switched && r.endNanos() < failbackStart).toList();
        List<LoadGenerator.Request> onBlue = reqs.stream().filter(r -> r.startNanos() > failedBack).toList();
        System.out.printf("requests %d, after switch %d (green), after failback %d (blue), failed %d%n", reqs.size(),
                onGreen.size(), onBlue.size(), reqs.stream().filter(r -> r.error() != null).count());
        assertThat(onGreen).isNotEmpty().allSatisfy(r -> assertThat(r.colour()).isEqualTo("green"));
        assertThat(onBlue).isNotEmpty().allSatisfy(r -> assertThat(r.colour()).isEqualTo("blue"));
        assertThat(reqs.stream().filter(r -> r.endNanos() < switched - 1).map(LoadGenerator.Request::colour).distinct())
                .contains("blue");

        CliRun st = cli.run("cutover", "status");
        assertThat(st.code()).as(st.all()).isZero();
        assertThat(st.out()).contains("Cutover of staging: failed-back", "failback       done", "switch    #1  passed",
                "failback  #1  passed");
        List<LedgerEntry> drills = cli.entries("failback-drill");
        assertThat(drills).hasSize(1);
        assertThat(drills.get(0).outcome().label()).isEqualTo("passed");
        assertThat(drills.get(0).payload()).contains("\"within_bound\":true");
    }

    static void awaitRequests(LoadGenerator load, int n) throws InterruptedException {
        for (int i = 0; i < 4000 && load.requests().size() < n; i++) {
            Thread.sleep(5);
        }
    }
}
