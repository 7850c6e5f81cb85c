package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.nio.file.Path;
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
}
