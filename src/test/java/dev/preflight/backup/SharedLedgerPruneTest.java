package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two projects on one ledger (two teams on one bastion, a plan copied for a second app), each with
 * a source named {@code db} of its own database. One project's prune must judge, keep and delete its
 * own backups only: the other's newer backups made it delete its last restore point, and it deleted
 * the other's files as if they were its own.
 */
class SharedLedgerPruneTest {
    private static final Instant T0 = Instant.parse("2026-01-01T01:30:00Z");

    @TempDir
    Path dir;

    private Path project(String name, String database) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("preflight.yaml"), """
                version: 1
                project: {name: %s}
                ledger: {url: "sqlite:%s"}
                backups:
                  log: backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 1, user: root, database: %s}, retention: 15d}
                """.formatted(name, dir.resolve("shared.db"), database));
        return p;
    }

    /** Backs {@code db} of the project in {@code p} up on each of the given days after T0; the backups' copies. */
    private List<Path> backupsOnDays(Path p, CliHarness cli, int... days) {
        BackupPlan plan = PlanLoader.load(p.resolve("preflight.yaml"), Map.of()).section("backups", BackupPlan.class)
                .orElseThrow();
        List<Path> copies = new ArrayList<>();
        try (Ledger ledger = Ledgers.open("sqlite:" + dir.resolve("shared.db"), p, Secrets.none(), "test@host",
                cli.clock)) {
            BackupContext ctx = new BackupContext(plan, ledger, cli.clock, BackupFactories.stores(),
                    BackupTestKit.fixed("-- dump\nCREATE TABLE t (id int);\n".getBytes(StandardCharsets.UTF_8)), null, Secrets.none());
            for (int d : days) {
                cli.clock.set(T0.plus(Duration.ofDays(d)));
                RunResult r = new BackupRun(ctx).run(plan.source("db").orElseThrow());
                assertThat(r.failure()).isNull();
                r.copies().forEach(c -> copies.add(Path.of(c.location())));
            }
        }
        return copies;
    }

    @Test
    void aPruneKeepsAndDeletesItsOwnProjectsBackupsOnly() throws Exception {
        Path a = project("shop", "shop");
        Path b = project("blog", "blog");
        CliHarness shop = new CliHarness(a, T0);
        CliHarness blog = new CliHarness(b, T0);
        // The shop's backups stopped after day 1; the blog backs up every day.
        List<Path> shopCopies = backupsOnDays(a, shop, 0, 1);
        List<Path> blogCopies = backupsOnDays(b, blog, 0, 1, 2, 3, 4, 5, 10, 20);

        shop.clock.set(T0.plus(Duration.ofDays(20)).plus(Duration.ofHours(1)));
        CliRun r = shop.run("backup", "prune", "--apply");
        // Its own newest backup is past its retention: the shop's clock or its backups are wrong, and
        // nothing of it is deleted; the blog's are not the shop's to judge.
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("even the newest backup of db");
        assertThat(shopCopies).allSatisfy(p -> assertThat(p).exists());
        assertThat(blogCopies).allSatisfy(p -> assertThat(p).exists());

        // The blog's own prune deletes its expired backups (days 0-5), keeps the rest.
        blog.clock.set(T0.plus(Duration.ofDays(20)).plus(Duration.ofHours(1)));
        CliRun own = blog.run("backup", "prune", "--apply");
        assertThat(own.code()).as(own.all()).isZero();
        assertThat(own.out()).contains("6 backup(s) deleted, 2 kept");
        assertThat(blogCopies.subList(0, 6)).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(blogCopies.subList(6, 8)).allSatisfy(p -> assertThat(p).exists());
        assertThat(shopCopies).allSatisfy(p -> assertThat(p).exists());

        // Each lists its own backups only.
        assertThat(shop.run("backup", "list").out()).contains("2 backup(s)");
        assertThat(blog.run("backup", "list").out()).contains("2 backup(s)");
    }
}
