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
 * {@code readiness} judges the cutover from the cutover's own ledger entries, as {@code run} does:
 * a failback drilled after the last {@code run} (or with no {@code run} at all) counts at once, and
 * a cutover that went wrong since is seen at once too (found by the dress rehearsal, issue 18).
 */
class CutoverReadinessTest {
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
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), ""));
    }

    @AfterEach
    void down() {
        blue.close();
        green.close();
    }

    @Test
    void aFailbackDrillCountsForReadinessWithoutARun() {
        assertThat(cli.run("cutover", "start").code()).isZero();
        CliRun before = cli.run("readiness");
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.out()).contains("no failback within the bound (5m) is on record");

        assertThat(cli.run("cutover", "failback").code()).isZero();
        CliRun after = cli.run("readiness");
        assertThat(after.out()).contains("Readiness of cutover-test: GO").doesNotContain("no evidence recorded");
        assertThat(after.code()).as(after.all()).isZero();

        // a switch refused by its smoke suite since then is seen by the next readiness
        assertThat(cli.run("cutover", "start", "--until", "promoted").code()).isZero();
        green.failSmoke.set(true);
        assertThat(cli.run("cutover", "switch").code()).isEqualTo(1);
        CliRun refused = cli.run("readiness");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).contains("Readiness of cutover-test: NO-GO", "switch attempt 1 failed");
    }

    @Test
    void aNewerFailbackOverTheBoundIsNotOutweighedByAnOlderDrillWithinIt() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "failback").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();

        // The next drill is slower than the bound: the load balancer takes 2 s to move, the bound is now 1 s.
        CommandLb.script(dir, "lb-set.sh", "sleep 2; echo \"$1\" > '" + dir.resolve("active") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), CutoverCli.FAILBACK_RISK).replace("failback_bound: 5m",
                "failback_bound: 1s"));
        CommandLb.script(dir, "lb-set.sh", "sleep 2; echo \"$1\" > '" + dir.resolve("active") + "'");
        assertThat(cli.run("cutover", "start").code()).isZero();
        cli.run("cutover", "failback");
        assertThat(cli.entries("failback-drill")).extracting(e -> e.outcome().label()).containsExactly("passed", "failed");

        CliRun after = cli.run("readiness");
        assertThat(after.out()).as(after.all()).contains("Readiness of cutover-test: NO-GO", "failback");
        assertThat(after.code()).isEqualTo(1);
        // The register's failback drill is the failback step over the bound (recorded as a warning): not mitigated.
        CliRun risks = cli.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("Open");
        assertThat(risks.code()).isEqualTo(1);
    }

    /**
     * Project B: this plan under another project name in the same folder, so the same ledger, and
     * both naming their environment {@code staging} (two teams on one bastion, a plan copied for a
     * second app). One project's cutover and failback drill must never make the other GO, nor show in
     * its status, nor mitigate its risk; before projects were recorded, A was GO on B's drill.
     */
    private void sharedWithShop() throws Exception {
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), CutoverCli.FAILBACK_RISK));
        Files.writeString(dir.resolve("shop.yaml"), Files.readString(dir.resolve("preflight.yaml"))
                .replace("project: {name: cutover-test}", "project: {name: shop}"));
    }

    private CliRun shop(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--plan";
        all[1] = "shop.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    @Test
    void anotherProjectsCutoverAndDrillNeverSpeakForThisOne() throws Exception {
        sharedWithShop();
        assertThat(shop("cutover", "start").code()).isZero();
        CliRun status = cli.run("cutover", "status");
        assertThat(status.out()).as(status.all()).contains("Cutover of staging: none started").doesNotContain("switched");
        // B drills its failback: a drill of B's cutover, not of A's.
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
        sharedWithShop();
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
