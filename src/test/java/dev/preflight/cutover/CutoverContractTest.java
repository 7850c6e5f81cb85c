package dev.preflight.cutover;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stable window and the contract step on a clock the test moves: contract is refused before the
 * window has passed, without a fresh backup, after a breach or a failback, and without --yes; after
 * the window, with a backup and no breach, it runs, and failback is then refused.
 */
class CutoverContractTest {
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
        plan("alert");
    }

    private void plan(String policy) throws Exception {
        plan(policy, "1m");
    }

    private void plan(String policy, String interval) throws Exception {
        Path contract = CommandLb.script(dir, "contract.sh", "touch '" + dir.resolve("contracted") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), """
                  stable:
                    window: 24h
                    interval: %s
                    max_gap: 30h
                    policy: %s
                    checks: [{name: green smoke, url: "%s", samples: 3, max_error_rate: 0.0, max_latency: 5s}]
                  contract: {command: [%s]}
                  backup_max_age: 24h
                """.formatted(interval, policy, green.url("/smoke"), contract) + CutoverCli.DATABASE_BACKUPS));
    }

    @AfterEach
    void down() {
        blue.close();
        green.close();
    }

    private void backup(Clock at) {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", at)) {
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "dump verified", Map.of("origin", "mysql://127.0.0.1:3306/academy")));
        }
    }

    @Test
    void betweenMonitorRoundsItSaysWhatItWaitsFor() throws Exception {
        plan("alert", "1s");
        assertThat(cli.run("cutover", "start").code()).isZero();
        CliRun m = cli.run("cutover", "monitor", "--rounds", "2");
        assertThat(m.code()).as(m.all()).isZero();
        assertThat(m.out()).containsPattern("round 1: no breach; next round in \\S+, the stable window of staging ends at "
                + "2027-01-10T01:00:00Z\n");
    }

    @Test
    void contractIsRefusedBeforeTheWindowAndRunsAfterIt() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        Clock switchedAt = Clock.fixed(cli.clock.instant(), cli.clock.getZone());

        CliRun m = cli.run("cutover", "monitor", "--rounds", "1");
        assertThat(m.code()).as(m.all()).isZero();
        assertThat(m.out()).contains("monitor round: 1 check(s) within limits",
                "stable window of staging ends at 2027-01-10T01:00:00Z (24h from now); no breach in 1 round(s)");

        cli.clock.advance(Duration.ofHours(23));
        CliRun early = cli.run("cutover", "contract", "--yes");
        assertThat(early.code()).isEqualTo(1);
        assertThat(early.out()).contains("REFUSED: contract of staging: the stable window of 24h has not passed: it ends at "
                + "2027-01-10T01:00:00Z (1h from now)");
        assertThat(dir.resolve("contracted")).doesNotExist();

        cli.clock.advance(Duration.ofHours(2));
        CliRun noBackup = cli.run("cutover", "contract", "--yes");
        assertThat(noBackup.code()).isEqualTo(1);
        assertThat(noBackup.out()).contains("no backup is on record: the ledger has no 'backup' entry with outcome passed");

        backup(switchedAt);
        CliRun oldBackup = cli.run("cutover", "contract", "--yes");
        assertThat(oldBackup.code()).isEqualTo(1);
        assertThat(oldBackup.out()).contains("is 25h old, older than backup_max_age 24h");

        backup(cli.clock);
        CliRun unconfirmed = cli.run("cutover", "contract");
        assertThat(unconfirmed.code()).isEqualTo(2);
        assertThat(unconfirmed.out()).contains("WARNING: contract is the point of no return");
        assertThat(unconfirmed.err()).contains("contract needs confirmation: nothing was run", "--yes");
        assertThat(dir.resolve("contracted")).doesNotExist();

        CliRun ok = cli.run("cutover", "contract", "--yes");
        assertThat(ok.code()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("WARNING: contract is the point of no return", "stable: PASSED - stable window of 24h",
                "contract: PASSED");
        assertThat(dir.resolve("contracted")).exists();
        assertThat(cli.run("cutover", "status").out()).contains("Cutover of staging: contracted",
                "no longer possible (contracted: the point of no return)");
        CliRun fb = cli.run("cutover", "failback");
        assertThat(fb.code()).isEqualTo(3);
        assertThat(fb.err()).contains("failback of staging is no longer possible: the contract migrations ran");
        assertThat(CommandLb.active(dir)).isEqualTo("green");
        assertThat(cli.entries(CutoverHistory.KIND)).filteredOn(e -> e.summary().startsWith("contract refused"))
                .hasSize(3);
    }

    /**
     * "Contract only after 24 h stable" means 24 h watched: one round at the switch and contract 25 h
     * later watched nothing in between (a monitor killed after its first round), yet the window passed
     * with no breach and contract ran. With the default max_gap (3 x interval) the window is watched
     * again from the end of the newest gap, and contract runs once rounds have covered it whole.
     */
    @Test
    void aWindowWithAGapInItsMonitorRoundsIsWatchedAgainBeforeContract() throws Exception {
        Path contract = CommandLb.script(dir, "contract.sh", "touch '" + dir.resolve("contracted") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), """
                  stable: {window: 24h, interval: 1h, policy: alert, checks: [{name: green smoke, url: "%s", samples: 1}]}
                  contract: {command: [%s]}
                  backup_max_age: 24h
                """.formatted(green.url("/smoke"), contract) + CutoverCli.DATABASE_BACKUPS));
        assertThat(cli.run("cutover", "plan").out()).contains("(a gap over 3h between rounds watches the window again from there)");
        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "monitor", "--rounds", "1").code()).isZero();
        cli.clock.advance(Duration.ofHours(25));
        backup(cli.clock);
        CliRun gap = cli.run("cutover", "contract", "--yes");
        assertThat(gap.out()).as(gap.all()).contains("REFUSED: contract of staging: the stable window of 24h has not been "
                + "watched whole: no monitor round from ", "(25h, over max_gap 3h), so it is watched again from ");
        assertThat(gap.code()).isEqualTo(1);
        assertThat(dir.resolve("contracted")).doesNotExist();

        // Rounds every hour (a cron-driven monitor) for the 24 h after the gap: contract runs.
        for (int i = 0; i < 23; i++) {
            assertThat(cli.run("cutover", "monitor", "--rounds", "1").code()).isZero();
            cli.clock.advance(Duration.ofHours(1));
        }
        CliRun early = cli.run("cutover", "contract", "--yes");
        assertThat(early.out()).as(early.all()).contains("REFUSED", "so it is watched again from ", "(run 'preflight cutover monitor' until then)");
        assertThat(dir.resolve("contracted")).doesNotExist();
        cli.clock.advance(Duration.ofHours(1));
        backup(cli.clock);
        CliRun ok = cli.run("cutover", "contract", "--yes");
        assertThat(ok.code()).as(ok.all()).isZero();
        assertThat(dir.resolve("contracted")).exists();
    }

    /** Switched, one stable monitor round, and the 24 h window over: only the backup stands in the way. */
    private void pastTheStableWindow() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        assertThat(cli.run("cutover", "monitor", "--rounds", "1").code()).isZero();
        cli.clock.advance(Duration.ofHours(25));
    }

    /** Contract is refused for {@code reason} and runs nothing; a database backup now lets it run. */
    private void refusedThenRunsAfterADatabaseBackup(String reason) throws Exception {
        CliRun refused = cli.run("cutover", "contract", "--yes");
        assertThat(refused.out()).as(refused.all()).contains("REFUSED: contract of staging", reason);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(dir.resolve("contracted")).doesNotExist();

        backup(cli.clock);
        CliRun ok = cli.run("cutover", "contract", "--yes");
        assertThat(ok.code()).as(ok.all()).isZero();
        assertThat(dir.resolve("contracted")).exists();
    }

    @Test
    void aBackupDatedInTheFutureOfTheClockDoesNotLetContractRun() throws Exception {
        pastTheStableWindow();
        // The only backup was recorded by a bastion whose clock runs ten days ahead: its age is unknown,
        // so it is not younger than backup_max_age (its negative age let the point of no return run).
        backup(Clock.offset(cli.clock, Duration.ofDays(10)));
        refusedThenRunsAfterADatabaseBackup("in the future");
    }

    @Test
    void onlyABackupOfTheDatabaseLetsContractRunNotAFreshBackupOfAnotherSource() throws Exception {
        pastTheStableWindow();
        // Tonight's cache and assets backups passed; the database's did not run. Contract drops what
        // expand kept, and neither of those brings it back.
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock)) {
            l.append(NewEntry.of("backup", "academy-cache", Outcome.PASSED, "rdb verified",
                    Map.of("origin", "redis://127.0.0.1:6379")));
            l.append(NewEntry.of("backup", "academy-assets", Outcome.PASSED, "bucket copied",
                    Map.of("origin", "s3://aws/academy-assets")));
            l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "recorded before backups named their source",
                    Map.of()));
        }
        refusedThenRunsAfterADatabaseBackup("no passed backup of the plan's backup source mysql://127.0.0.1:3306/academy"
                + " is on record: the newest passed backup, #");
    }

    /**
     * A plan whose backups section dumps no database cannot tell its database's backup from another
     * project's on a shared ledger (any MySQL origin counted): contract is refused, naming what to add,
     * however fresh a database backup the ledger holds.
     */
    @Test
    void aPlanThatBacksUpNoDatabaseNeverContracts() throws Exception {
        Path contract = CommandLb.script(dir, "contract.sh", "touch '" + dir.resolve("contracted") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), """
                  stable: {window: 24h, interval: 1m, max_gap: 30h, policy: alert, checks: [{name: green smoke, url: "%s", samples: 3}]}
                  contract: {command: [%s]}
                  backup_max_age: 24h
                """.formatted(green.url("/smoke"), contract)));
        CliRun plan = cli.run("cutover", "plan");
        assertThat(plan.out()).as(plan.all()).contains("refuse: the plan's backups section dumps no MySQL/MariaDB database");
        pastTheStableWindow();
        backup(cli.clock);
        CliRun r = cli.run("cutover", "contract", "--yes");
        assertThat(r.out()).as(r.all()).contains("REFUSED: contract of staging: the plan's backups section dumps no "
                + "MySQL/MariaDB database, so no backup on the ledger can be shown to be of the database contract changes");
        assertThat(r.code()).isEqualTo(1);
        assertThat(dir.resolve("contracted")).doesNotExist();
    }

    /**
     * On a ledger shared with another project, that project's fresh database backup is not a backup of
     * this plan's database: when the plan's backups section dumps databases, only a backup of one of
     * them lets contract run (any MySQL origin did).
     */
    @Test
    void onlyABackupOfThePlansOwnDatabaseSourceCountsNotAnotherProjectsDatabase() throws Exception {
        Path contract = CommandLb.script(dir, "contract.sh", "touch '" + dir.resolve("contracted") + "'");
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), """
                  stable:
                    window: 24h
                    interval: 1m
                    max_gap: 30h
                    policy: alert
                    checks: [{name: green smoke, url: "%s", samples: 3, max_error_rate: 0.0, max_latency: 5s}]
                  contract: {command: [%s]}
                  backup_max_age: 24h
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                  sources:
                    - name: academy-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: academy}
                """.formatted(green.url("/smoke"), contract)));
        CliRun plan = cli.run("cutover", "plan");
        assertThat(plan.out()).as(plan.all()).contains(
                "refuse unless a passed backup of the plan's backup source mysql://127.0.0.1:3306/academy younger than 24h");
        pastTheStableWindow();
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock)) {
            l.append(NewEntry.of("backup", "shop-db", Outcome.PASSED, "another project's dump, same ledger",
                    Map.of("origin", "mysql://10.0.0.9:3306/shop")));
        }
        refusedThenRunsAfterADatabaseBackup("no passed backup of the plan's backup source mysql://127.0.0.1:3306/academy"
                + " is on record: the newest passed backup, #");
    }

    @Test
    void aBreachUnderPolicyAlertBlocksContract() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        green.failSmoke.set(true);
        CliRun m = cli.run("cutover", "monitor", "--rounds", "1");
        assertThat(m.code()).isEqualTo(1);
        assertThat(m.out()).contains("monitor round: BREACH green smoke: error rate 100.00% over 0.00%",
                "ALERT: breach in the stable window of staging (policy alert: traffic stays on green");
        assertThat(CommandLb.active(dir)).isEqualTo("green");
        cli.clock.advance(Duration.ofHours(25));
        backup(cli.clock);
        CliRun c = cli.run("cutover", "contract", "--yes");
        assertThat(c.code()).isEqualTo(1);
        assertThat(c.out()).contains("REFUSED: contract of staging: the stable window had a breach");
        assertThat(dir.resolve("contracted")).doesNotExist();
    }

    /**
     * The point of no return is judged on the ledger's history, so it must verify first: with the
     * breach's round deleted from the middle of the ledger (the append-only triggers dropped first),
     * the history read as a stable window without a breach and contract ran (green being healthy again).
     */
    @Test
    void aLedgerThatDoesNotVerifyBlocksContract() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        green.failSmoke.set(true);
        assertThat(cli.run("cutover", "monitor", "--rounds", "1").code()).isEqualTo(1);
        cli.clock.advance(Duration.ofHours(25));
        backup(cli.clock);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(".preflight/ledger.db"));
             Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER ledger_entries_no_delete");
            assertThat(st.executeUpdate("DELETE FROM ledger_entries WHERE summary LIKE '%BREACH%'")).isPositive();
        }
        green.failSmoke.set(false);
        CliRun c = cli.run("cutover", "contract", "--yes");
        assertThat(c.out()).as(c.all()).contains("REFUSED: contract of staging: the ledger does not verify",
                "an entry was deleted");
        assertThat(c.code()).isEqualTo(3);
        assertThat(dir.resolve("contracted")).doesNotExist();
    }

    @Test
    void aBreachUnderPolicyFailbackMovesTrafficToBlueAndContractIsThenRefused() throws Exception {
        plan("failback");
        assertThat(cli.run("cutover", "start").code()).isZero();
        green.failSmoke.set(true);
        CliRun m = cli.run("cutover", "monitor", "--rounds", "1");
        assertThat(m.code()).isEqualTo(1);
        assertThat(m.out()).contains("policy failback: moving traffic to blue", "failback: PASSED");
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
        cli.clock.advance(Duration.ofHours(25));
        backup(cli.clock);
        CliRun c = cli.run("cutover", "contract", "--yes");
        assertThat(c.code()).isEqualTo(3);
        assertThat(c.out()).contains("REFUSED: contract of staging: a failback happened in this cutover");
        assertThat(Files.exists(dir.resolve("contracted"))).isFalse();
    }

    @Test
    void monitorAfterTheWindowConcludesStable() throws Exception {
        assertThat(cli.run("cutover", "start").code()).isZero();
        cli.clock.advance(Duration.ofHours(24));
        CliRun m = cli.run("cutover", "monitor");
        assertThat(m.code()).as(m.all()).isZero();
        assertThat(m.out()).contains("stable: PASSED - stable window of 24h since the switch at 2027-01-09T01:00:00Z passed "
                + "with no breach in 1 monitor round(s)");
        assertThat(cli.run("cutover", "status").out()).contains("Cutover of staging: stable", "failback       possible");
        assertThat(cli.run("cutover", "failback").code()).isZero();
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
    }

    @Test
    void aFailingMonitorCommandIsABreach() throws Exception {
        Path queue = CommandLb.script(dir, "queue.sh", "echo 'queue depth 5000' >&2; exit 3");
        String plan = Files.readString(dir.resolve("preflight.yaml")).replace("    policy: alert\n",
                "    policy: alert\n    commands: [[" + queue + "]]\n");
        Files.writeString(dir.resolve("preflight.yaml"), plan);
        assertThat(cli.run("cutover", "plan").out()).contains("run " + queue + " (non-zero exit: breach)");
        assertThat(cli.run("cutover", "start").code()).isZero();
        CliRun m = cli.run("cutover", "monitor", "--rounds", "1");
        assertThat(m.code()).isEqualTo(1);
        assertThat(m.out()).contains("monitor round: BREACH " + queue + ": exit 3 (queue depth 5000)");
        assertThat(cli.run("cutover", "status").out()).contains("BREACH recorded");
    }
}
