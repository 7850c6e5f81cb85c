package dev.preflight.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run behind {@code bin/preflight}'s class-data-sharing archive: one JVM runs the
 * commands people run most, in-process, so that the archive holds the classes of each of them
 * (an archive records one JVM's run; a plain command would cover itself only). Output is thrown
 * away and the verdicts do not matter. Arguments: the project root and a scratch directory.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    /** Arguments: the project root, a scratch directory and, optionally, the group to train (default all). */
    public static void main(String[] args) {
        train(Path.of(args[0]), Path.of(args[1]), args.length > 2 ? args[2] : ALL);
        System.exit(0);
    }

    /** Every training command: the cache {@code run}, {@code backup}, {@code cutover} and the others start with. */
    static final String ALL = "all";

    /**
     * The groups the launcher trains a cache of their own for: a JDK with an AOT cache loads every
     * class the cache holds at start, so {@code --version} (or no command), which needs a fraction of
     * them, starts from a cache of its own (bench/audit/startup, 9 rounds: 0.19 s against 0.25 s from
     * the whole cache). Caches of their own for validate, flags and audit were tried and measured
     * in the same run: no faster (0.34/0.39/0.31 s against 0.33/0.39/0.33 s), and a 100-host audit
     * used more CPU from its own cache (2.29 s against 2.04 s), whose training profiled fewer methods.
     * That was while the cache's training compilations were replayed; the launcher no longer replays
     * them for the short commands (with the client compiler only, the profiles buy nothing and the
     * replay compiled what the whole training ran), and {@code audit} then starts from a cache of
     * its own: the local audits and the one over SSH. {@code backup} and {@code restore-test} start
     * from one of their own too (35 MB against the whole one's 54 MB): on a machine where mapping a
     * cache costs 4 ms per MB (2026-12-01), a 100 MB restore test took 2.96 s against 3.04 s from the
     * whole cache, a backup 1.38 against 1.41 s (medians of 6 and 10 alternating runs).
     */
    static final List<String> GROUPS = List.of("lite", "audit", "backup");

    /** The group of {@code audit}: its local and SSH training runs only. */
    static final String AUDIT = GROUPS.get(1);

    /** The group of {@code backup} and {@code restore-test}: the training's backup and restore runs only. */
    static final String BACKUP = GROUPS.get(2);

    /**
     * A plan whose backup source and restore target are a MySQL server on a port nobody listens on:
     * {@code backup run} and {@code restore-test} then go through the plan, the context, the sweep,
     * the lock, the producer and the ledger entry of a failure (the fixed cost every backup pays)
     * without any server or data. Port 1 on loopback is refused at once.
     */
    static final String BACKUP_PLAN = """
            version: 1
            project: {name: training}
            backups:
              log: backup-log.md
              destinations: [{name: local, type: local, path: store}]
              sources:
                - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 1, user: training, database: training}, name_pattern: "db-{date}-{time}"}
            restore_test:
              source: db
              target: {host: 127.0.0.1, port: 1, user: training}
            """;

    /** Runs every training command; returns their exit codes, in order. */
    static List<Integer> train(Path root, Path scratch) {
        return train(root, scratch, ALL);
    }

    /** Runs the training commands of {@code group} ({@link #ALL} or one of {@link #GROUPS}); their exit codes, in order. */
    static List<Integer> train(Path root, Path scratch, String group) {
        String plan = root.resolve("examples/academy/preflight.yaml").toString();
        String ledger = "sqlite:" + scratch.resolve("ledger.db");
        Path backupPlan = scratch.resolve("backup-training.yaml");
        try {
            Files.writeString(backupPlan, BACKUP_PLAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String backups = backupPlan.toString();
        List<List<String>> runs = new ArrayList<>(List.of(
                // The audits first: they create the ledger, which risks and readiness never do.
                List.of("--ledger", ledger, "audit", "--local", "--require", "node=20", "--require", "redis-server=7"),
                List.of("--ledger", ledger, "--format", "json", "audit", "--local", "--require", "git=2"),
                List.of("--plan", plan, "--ledger", ledger, "--format", "json", "risks"),
                List.of("--plan", plan, "validate"),
                List.of("--plan", plan, "--ledger", ledger, "readiness"),
                List.of("--plan", plan, "--ledger", ledger, "ledger", "verify"),
                // A failed backup and restore test (see BACKUP_PLAN), then the catalogue's readers.
                List.of("--plan", backups, "--ledger", ledger, "backup", "run"),
                List.of("--plan", backups, "--ledger", ledger, "restore-test"),
                List.of("--plan", backups, "--ledger", ledger, "backup", "list"),
                List.of("--plan", backups, "--ledger", ledger, "--format", "json", "backup", "prune")));
        // The backup plan's runs: a failed backup and restore test, then the catalogue's readers.
        List<List<String>> backupRuns = List.copyOf(runs.subList(6, runs.size()));
        if (group.equals(BACKUP)) {
            return run(backupRuns);
        }
        if (group.equals("lite")) {
            // Jackson too: cli.Main's warm-up thread initialises it for every command, which the
            // in-process training does not run; without a JSON run its classes came from the jar.
            return run(List.of(List.of("--version"), List.of("--format", "json", "--version")));
        } else if (group.equals(AUDIT)) {
            runs = new ArrayList<>(runs.subList(0, 2));
        } else if (!group.equals(ALL)) {
            throw new IllegalArgumentException("no training group " + group);
        }
        // An audit over SSH (see SshTrainingHost); skipped, never failing the training, where no
        // server can be started.
        SshTrainingHost ssh = null;
        try {
            ssh = SshTrainingHost.start(scratch);
            Path fleet = scratch.resolve("ssh-training.yaml");
            Files.writeString(fleet, ssh.plan());
            runs.add(List.of("--plan", fleet.toString(), "--ledger", ledger, "audit", "--parallel", "2"));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // No SSH audit in this training; a server that did start is still closed below.
        }
        List<Integer> codes = new ArrayList<>();
        try {
            codes.addAll(run(runs));
        } finally {
            if (ssh != null) {
                try {
                    ssh.close();
                } catch (IOException ignored) {
                    // the JVM ends right after the training
                }
            }
        }
        return codes;
    }

    private static List<Integer> run(List<List<String>> runs) {
        List<Integer> codes = new ArrayList<>();
        for (List<String> run : runs) {
            PrintWriter none = new PrintWriter(Writer.nullWriter());
            CliContext ctx = CliContext.system(none, none);
            try {
                // As Main does, the plan read ahead (here on this thread): its classes are in the archive.
                PlanAhead ahead = PlanAhead.of(run, ctx.env(), ctx.cwd());
                ahead.read();
                codes.add(Cli.run(ctx, ahead, run.toArray(String[]::new)));
            } catch (RuntimeException e) {
                // A command that fails still loaded its classes; the archive is what matters here.
                codes.add(-1);
            }
        }
        return codes;
    }
}
