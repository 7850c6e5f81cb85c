package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool killed mid-failback (a child JVM running {@code cutover failback}, destroyed after the
 * load balancer moved to blue and while blue's health check hangs): the ledger holds a started
 * failback and nothing else, yet traffic is on blue. What the later commands claim must be true.
 */
class CutoverKillTest {
    @TempDir
    Path dir;

    ColourServer blue;
    ColourServer green;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        blue = new ColourServer("blue");
        green = new ColourServer("green");
        // The child JVM runs on the system clock: the commands in this JVM start there too.
        cli = new CutoverCli(dir, Instant.now());
        Path contract = CommandLb.script(dir, "contract.sh", "touch '" + dir.resolve("contracted") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), """
                  stable:
                    window: 24h
                    interval: 1m
                    max_gap: 30h
                    checks: [{name: green smoke, url: "%s", samples: 3, max_error_rate: 0.0, max_latency: 5s}]
                  contract: {command: [%s]}
                  backup_max_age: 24h
                """.formatted(green.url("/smoke"), contract) + CutoverCli.DATABASE_BACKUPS));
    }

    @AfterEach
    void down() {
        blue.close();
        green.close();
    }

    /** Runs {@code cutover failback} in a child JVM and kills it once traffic is on blue and blue's health hangs. */
    private void killMidFailback() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        blue.holdHealth.set(hold);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.preflight.cli.Main",
                "--plan", dir.resolve("preflight.yaml").toString(), "cutover", "failback")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            boolean moved = false;
            for (int i = 0; i < 600 && !moved && child.isAlive(); i++) {
                Thread.sleep(100);
                moved = CommandLb.active(dir).equals("blue") && cli.entries(CutoverHistory.KIND).stream()
                        .anyMatch(e -> e.summary().startsWith("failback attempt 1 started"));
            }
            assertThat(moved).as(Files.readString(dir.resolve("child.out"))).isTrue();
            Thread.sleep(300);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        blue.holdHealth.set(null);
        hold.countDown();
    }

    private void backup() {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock)) {
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "dump verified",
                    Map.of("origin", "mysql://127.0.0.1:3306/academy")));
        }
    }

    @Test
    void aFailbackKilledAfterTrafficMovedToBlueIsNeverFollowedByAStableWindowOrAContract() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "monitor", "--rounds", "1").code()).isZero();
        killMidFailback();
        assertThat(CommandLb.active(dir)).isEqualTo("blue");

        CliRun st = cli.run("cutover", "status");
        assertThat(st.out()).contains("failback  #1  started", "failback (attempt 1 was interrupted");
        // traffic is on blue: 'switch' must not answer "already switched: traffic of staging is on green"
        CliRun sw = cli.run("cutover", "switch");
        assertThat(sw.code()).as(sw.all()).isEqualTo(3);
        assertThat(sw.all()).doesNotContain("already switched").contains("failback attempt 1 never completed");

        cli.clock.advance(Duration.ofHours(25));
        backup();
        CliRun mon = cli.run("cutover", "monitor");
        assertThat(mon.code()).as(mon.all()).isNotZero();
        assertThat(mon.all()).doesNotContain("stable: PASSED").contains("failback attempt 1");
        CliRun c = cli.run("cutover", "contract", "--yes");
        assertThat(c.code()).as(c.all()).isNotZero();
        assertThat(c.out()).contains("REFUSED: contract of staging: failback attempt 1");
        assertThat(dir.resolve("contracted")).doesNotExist();
        assertThat(cli.run("cutover", "status").out()).doesNotContain("Cutover of staging: stable");
    }

    @Test
    void aFailbackFinishedLongAfterItsKilledAttemptIsNotADrillWithinTheBound() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        killMidFailback();
        cli.clock.advance(Duration.ofMinutes(10));

        CliRun r = cli.run("cutover", "resume");
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        assertThat(r.out()).contains("failback: attempt 1 was interrupted; running it again", "OVER THE BOUND");
        // Traffic is back on blue, yet the drill failed its bound: not exit 0.
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        List<LedgerEntry> drills = cli.entries(CutoverEvidence.FAILBACK_DRILL);
        assertThat(drills).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(d.summary()).contains("since attempt 1 began");
        });
        CliRun ready = cli.run("readiness");
        assertThat(ready.all()).doesNotContain("failback drill on record");
    }

    @Test
    void aFailbackAfterASwitchThatNeverMovedTrafficIsNoDrill() throws Exception {
        // the switch script fails: the load balancer never moved, the switch attempt failed
        Files.writeString(dir.resolve("lb-set.sh"), "#!/bin/sh\nif [ \"$1\" = green ]; then exit 7; fi\necho \"$1\" > '"
                + dir.resolve("active") + "'\n");
        CliRun s = cli.run("cutover", "start");
        assertThat(s.code()).as(s.all()).isEqualTo(1);
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        CliRun fb = cli.run("cutover", "failback");
        assertThat(fb.code()).as(fb.all()).isZero();
        assertThat(cli.entries(CutoverEvidence.FAILBACK_DRILL)).isEmpty();
        CliRun ready = cli.run("readiness");
        assertThat(ready.all()).doesNotContain("failback drill on record").contains("no failback within the bound");
    }

    /** Runs {@code cutover start} in a child JVM whose load balancer command moves traffic to green and then hangs. */
    private void killMidSwitch() throws Exception {
        Files.writeString(dir.resolve("lb-set.sh"), "#!/bin/sh\necho \"$1\" > '" + dir.resolve("active")
                + "'\nif [ \"$1\" = green ]; then sleep 60; fi\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.preflight.cli.Main",
                "--plan", dir.resolve("preflight.yaml").toString(), "cutover", "start")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            boolean moved = false;
            for (int i = 0; i < 600 && !moved && child.isAlive(); i++) {
                Thread.sleep(100);
                moved = Files.exists(dir.resolve(".preflight/ledger.db")) && CommandLb.active(dir).equals("green");
            }
            assertThat(moved).as(Files.readString(dir.resolve("child.out"))).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Files.writeString(dir.resolve("lb-set.sh"), "#!/bin/sh\necho \"$1\" > '" + dir.resolve("active") + "'\n");
    }

    @Test
    void aSwitchKilledAfterTheLoadBalancerMovedIsNeitherForgottenNorRecordedAsDone() throws Exception {
        killMidSwitch();
        assertThat(CommandLb.active(dir)).isEqualTo("green");
        CliRun st = cli.run("cutover", "status");
        assertThat(st.out()).contains("Cutover of staging: promoted", "switch    #1  started",
                "switch (attempt 1 was interrupted", "failback       possible").doesNotContain("traffic is on blue");
        assertThat(cli.run("cutover", "monitor").code()).isEqualTo(3);
        cli.clock.advance(Duration.ofHours(25));
        backup();
        CliRun c = cli.run("cutover", "contract", "--yes");
        assertThat(c.code()).isEqualTo(3);
        assertThat(dir.resolve("contracted")).doesNotExist();
        CliRun ready = cli.run("readiness");
        assertThat(ready.code()).isNotZero();
        assertThat(ready.all()).contains("switch attempt 1 was interrupted");

        CliRun again = cli.run("cutover", "switch");
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).contains("switch: attempt 1 was interrupted; running it again", "switch: PASSED");
        CliRun fb = cli.run("cutover", "failback");
        assertThat(fb.code()).as(fb.all()).isZero();
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        assertThat(cli.entries(CutoverEvidence.FAILBACK_DRILL)).singleElement()
                .satisfies(d -> assertThat(d.outcome()).isEqualTo(Outcome.PASSED));
    }

    /** A command load balancer with nothing to confirm the routing: exit 0 of the switch command is not a verified switch. */
    @Test
    void aSwitchNothingCanConfirmIsNotReportedDone() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), Files.readString(dir.resolve("preflight.yaml"))
                .replaceAll("(?m)^\\s*verify_(blue|green): .*\\n", ""));
        CliRun s = cli.run("cutover", "start");
        assertThat(s.code()).as(s.all()).isEqualTo(1);
        assertThat(s.out()).contains("switch: FAILED", "nothing would confirm traffic on green")
                .doesNotContain("switch: PASSED", "routes to green");
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        assertThat(cli.run("cutover", "status").out()).contains("Cutover of staging: promoted");
    }

    /**
     * A monitor killed between its "stable attempt 1 started" and "completed" entries (two appends
     * apart: the entry is written here as that process left it). The next monitor concluded attempt 2
     * yet left attempt 1 open for ever: status and readiness kept saying "interrupted; run 'cutover
     * resume'", which runs nothing for the stable window.
     */
    @Test
    void aStableWindowConcludedAfterAKilledConclusionLeavesNothingInterrupted() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "monitor", "--rounds", "1").code()).isZero();
        cli.clock.advance(Duration.ofHours(25));
        try (Ledger l = cli.ledger()) {
            CutoverHistory h = CutoverHistory.read(l, "staging", "cutover-test");
            l.append(NewEntry.of(CutoverEvidence.STEP, "staging", Outcome.WARNING,
                    "stable attempt 1 started (concluding the window)",
                    CutoverEvidence.attempt(h.cutoverId(), Step.STABLE, 1, CutoverEvidence.STARTED).of("cutover-test")));
        }
        CliRun m = cli.run("cutover", "monitor");
        assertThat(m.code()).as(m.all()).isZero();
        CliRun st = cli.run("cutover", "status");
        assertThat(st.out()).contains("Cutover of staging: stable", "stable    #1  interrupted")
                .doesNotContain("was interrupted");
    }
}
