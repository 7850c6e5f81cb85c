package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two projects whose plans share one ledger and both name their environment {@code staging} (two
 * teams on one bastion, or a plan copied for a second app): one project's cutover and failback drill
 * must never make the other GO, nor show in its status, nor mitigate its risk. Before projects were
 * recorded, project A was GO on project B's drill and A's status showed B's cutover.
 */
class SharedLedgerProjectsTest {
    @TempDir
    Path dir;

    ColourServer blue;
    ColourServer green;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        blue = new ColourServer("blue");
        green = new ColourServer("green");
        cli = new CutoverCli(dir);
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), CutoverCli.FAILBACK_RISK));
        // Project B: the same plan under another project name, in the same folder, so the same ledger.
        Files.writeString(dir.resolve("shop.yaml"), Files.readString(dir.resolve("preflight.yaml"))
                .replace("project: {name: cutover-test}", "project: {name: shop}"));
    }

    @AfterEach
    void down() {
        blue.close();
        green.close();
    }

    private CliRun shop(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--plan";
        all[1] = "shop.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    @Test
    void anotherProjectsCutoverAndDrillNeverSpeakForThisOne() {
        assertThat(shop("cutover", "start").code()).isZero();
        CliRun status = cli.run("cutover", "status");
        assertThat(status.out()).as(status.all()).contains("Cutover of staging: none started").doesNotContain("switched");
        // B's cutover is B's: A may begin its own while B's is switched.
        assertThat(shop("cutover", "failback").code()).isZero();
        assertThat(shop("readiness").code()).as("B drilled its failback").isZero();

        CliRun a = cli.run("readiness");
        assertThat(a.out()).as(a.all()).contains("Readiness of cutover-test: NO-GO",
                "no failback within the bound (5m) is on record");
        assertThat(a.code()).isEqualTo(1);
        CliRun risks = cli.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("Open");
        assertThat(risks.code()).isEqualTo(1);
        CliRun run = cli.run("run");
        assertThat(run.code()).as(run.all()).isEqualTo(1);

        // B's passed readiness check, newer than A's failed one, does not speak for A either.
        assertThat(shop("run").code()).isZero();
        assertThat(cli.run("readiness").code()).isEqualTo(1);

        // A's own drill counts for A.
        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "failback").code()).isZero();
        CliRun ok = cli.run("readiness");
        assertThat(ok.out()).as(ok.all()).contains("Readiness of cutover-test: GO");
        assertThat(ok.code()).isZero();
    }

    @Test
    void aDrillThatNamesNoProjectCanOnlyFail() throws Exception {
        // What an older version recorded: a passed drill that does not say whose it was.
        try (Ledger l = cli.ledger()) {
            l.append(NewEntry.of("failback-drill", "staging", Outcome.PASSED, "failback in 812 ms (bound 5m)", Map.of()));
        }
        CliRun a = cli.run("readiness");
        assertThat(a.out()).as(a.all()).contains("NO-GO", "1 passed drill(s) that name no project");
        assertThat(a.code()).isEqualTo(1);

        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "failback").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();
        // A failed drill that names no project, newer than this project's pass, is not skipped.
        try (Ledger l = cli.ledger()) {
            l.append(NewEntry.of("failback-drill", "staging", Outcome.FAILED, "failback in 400 s (bound 5m)", Map.of()));
        }
        CliRun after = cli.run("readiness");
        assertThat(after.out()).as(after.all()).contains("NO-GO", "the newest failback drill");
        assertThat(after.code()).isEqualTo(1);
    }
}
