package dev.preflight.backup;

import static dev.preflight.report.Visible.line;

import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.CopyCheck.Status;
import dev.preflight.backup.PruneItem.Action;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Json;
import dev.preflight.core.Sizes;
import dev.preflight.core.Verdict;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The renderers of the backup verbs ({@link #RUNS}, {@link #LIST}, {@link #VERIFY}, {@link #PRUNE})
 * and of {@code backup schedule} ({@link #SCHEDULE}): text with a {@link Style} and JSON. {@code backup
 * run} and {@code backup schedule} serialise their result as it is; list, verify and prune serialise
 * the row records below, which keep the snake_case shape the golden files pin.
 */
public final class BackupReport {
    private BackupReport() {
    }

    /** {@code backup run} over several sources: what each did, and the sources whose lock was held. */
    public record Runs(List<RunResult> backups, List<String> locked) implements Verdicted {
        public Runs {
            backups = List.copyOf(backups);
            locked = List.copyOf(locked);
        }

        /** Failed when a backup failed; incomplete (exit 3) when a source was not started because its lock was held. */
        @Override
        public Verdict verdict() {
            return backups.stream().anyMatch(r -> r.failure() != null) ? Verdict.FAILED
                    : locked.isEmpty() ? Verdict.PASSED : Verdict.INCOMPLETE;
        }
    }

    /**
     * {@code backup list}: the catalogue at {@code now}, with when each backup was restore-tested, and
     * how many backups on the ledger are not this plan's ({@code others}: another project's, or of a
     * source removed or pointed elsewhere since), which it does not list.
     */
    public record Listing(List<BackupRecord> backups, Instant now, Map<String, String> restoreTested, int others)
            implements Verdicted {
        public Listing {
            backups = List.copyOf(backups);
            // Not Map.copyOf: the CLI's map keeps its order and may hold no value for a backup.
            restoreTested = Collections.unmodifiableMap(new LinkedHashMap<>(restoreTested));
        }

        /** A listing of a ledger that holds no other plan's backups. */
        public Listing(List<BackupRecord> backups, Instant now, Map<String, String> restoreTested) {
            this(backups, now, restoreTested, 0);
        }

        @Override
        public Verdict verdict() {
            return Verdict.PASSED;
        }
    }

    /** {@code backup verify}: one check per copy. */
    public record Verification(List<CopyCheck> checks) implements Verdicted {
        public Verification {
            checks = List.copyOf(checks);
        }

        @Override
        public Verdict verdict() {
            return checks.stream().allMatch(c -> c.status() == Status.OK) ? Verdict.PASSED : Verdict.FAILED;
        }
    }

    /** {@code backup prune}: what happens to each backup, and whether it was applied. */
    public record Pruning(List<PruneItem> items, boolean applied) implements Verdicted {
        public Pruning {
            items = List.copyOf(items);
        }

        @Override
        public Verdict verdict() {
            return items.stream().anyMatch(i -> !i.errors().isEmpty() || i.action() == Action.REFUSED) ? Verdict.FAILED
                    : Verdict.PASSED;
        }
    }

    /**
     * {@code backup schedule}: the daily jobs, and the crontab and systemd text to install (null when
     * {@code --style} leaves one out). Its JSON, for configuration management, is this record.
     */
    public record Scheduled(List<ScheduledJob> jobs, String crontab, String systemd) {
        public Scheduled {
            jobs = List.copyOf(jobs);
        }
    }

    /** One scheduled job: its UTC time of day and the preflight arguments it runs. */
    public record ScheduledJob(String name, String description, @JsonProperty("at_utc") String atUtc, List<String> args) {
        public static ScheduledJob of(Schedule.Job j) {
            return new ScheduledJob(j.name(), j.description(), j.at().toString(), j.args());
        }
    }

    /** A backup result that knows its verdict. */
    public interface Verdicted {
        Verdict verdict();
    }

    /** The crontab, then (when both are shown) a blank line and the systemd units; JSON the record itself. */
    public static final Renderer<Scheduled> SCHEDULE = new Renderer<>() {
        @Override
        public String text(Scheduled s, Style style) {
            StringBuilder sb = new StringBuilder();
            if (s.crontab() != null) {
                sb.append(s.crontab());
            }
            if (s.crontab() != null && s.systemd() != null) {
                sb.append('\n');
            }
            if (s.systemd() != null) {
                sb.append(s.systemd());
            }
            return sb.toString();
        }
    };

    public static final Renderer<Runs> RUNS = new Renderer<>() {
        @Override
        public String text(Runs r, Style style) {
            return runs(r.backups(), r.locked(), style);
        }

        @Override
        public String json(Runs r) {
            return Json.pretty(r);
        }
    };

    public static final Renderer<Listing> LIST = new Renderer<>() {
        @Override
        public String text(Listing l, Style style) {
            String text = list(l.backups(), l.now(), l.restoreTested());
            return l.others() == 0 ? text : text + l.others() + " more backup(s) on this ledger are not this plan's "
                    + "(another project's, or of a source removed from the plan or pointed elsewhere since): they are "
                    + "not listed, verified, pruned or restored here\n";
        }

        @Override
        public String json(Listing l) {
            return Json.pretty(l.backups().stream().map(b -> new ListedBackup(b, l.restoreTested().get(b.id()))).toList());
        }
    };

    public static final Renderer<Verification> VERIFY = new Renderer<>() {
        @Override
        public String text(Verification v, Style style) {
            return verify(v.checks(), style);
        }

        @Override
        public String json(Verification v) {
            return Json.pretty(new VerifiedCopies(v.checks().stream().map(VerifiedCopy::of).toList()));
        }
    };

    public static final Renderer<Pruning> PRUNE = new Renderer<>() {
        @Override
        public String text(Pruning p, Style style) {
            return prune(p.items(), p.applied());
        }

        @Override
        public String json(Pruning p) {
            return Json.pretty(new PrunedBackups(p.applied(), p.items().stream().map(PrunedBackup::of).toList()));
        }
    };

    /** A row of {@code backup list --format json}: the backup's own fields, then when it was restore-tested (null: never). */
    record ListedBackup(@JsonUnwrapped BackupRecord backup, @JsonProperty("restore_tested") String restoreTested) {
    }

    /** {@code backup verify --format json}: one row per copy. */
    record VerifiedCopies(List<VerifiedCopy> copies) {
    }

    /** How one copy compared, with the status as the ledger writes it ({@code same-file}). */
    @JsonNaming(SnakeCaseStrategy.class)
    record VerifiedCopy(String backupId, String source, String destination, String location, String status,
                        String expectedSha256, String actualSha256, String detail) {
        static VerifiedCopy of(CopyCheck c) {
            return new VerifiedCopy(c.backup().id(), c.backup().source(), c.copy().destination(), c.copy().location(),
                    c.status().label(), c.copy().sha256(), c.actual(), c.detail());
        }
    }

    /** {@code backup prune --format json}: whether it was applied, and what happens to each backup. */
    record PrunedBackups(boolean applied, List<PrunedBackup> backups) {
    }

    /** One backup's prune decision, the action in lower case ({@code keep_newest_verified}). */
    @JsonNaming(SnakeCaseStrategy.class)
    record PrunedBackup(String backupId, String source, String file, String action, String reason, List<String> errors) {
        static PrunedBackup of(PruneItem i) {
            return new PrunedBackup(i.backup().id(), i.backup().source(), i.backup().file(),
                    i.action().name().toLowerCase(Locale.ROOT), i.reason(), i.errors());
        }
    }

    /** {@code backup run} as text. */
    private static String runs(List<RunResult> results, List<String> locked, Style st) {
        StringBuilder sb = new StringBuilder();
        for (RunResult r : results) {
            if (r.failure() == null) {
                sb.append(st.ok("PASSED")).append("  ").append(r.source()).append("  ").append(r.file()).append("  ")
                        .append(Sizes.binary(r.size())).append("  sha256 ").append(r.sha256()).append('\n');
                for (Copy c : r.copies()) {
                    sb.append("        ").append(c.destination()).append(": ").append(c.location())
                            .append("  (read back, sha256 matches)\n");
                }
                sb.append("        retained until ").append(r.retentionUntil()).append("; ledger entry ")
                        .append(r.entryId()).append('\n');
            } else {
                sb.append(st.bad("FAILED")).append("  ").append(r.source()).append("  ").append(line(r.failure()))
                        .append('\n').append("        no copy kept; ledger entry ").append(r.entryId()).append('\n');
            }
        }
        for (String l : locked) {
            sb.append(st.warn("LOCKED")).append("  ").append(line(l)).append('\n');
        }
        long failed = results.stream().filter(r -> r.failure() != null).count();
        sb.append(results.size() - failed).append(" backup(s) passed, ").append(failed).append(" failed")
                .append(locked.isEmpty() ? "" : ", " + locked.size() + " not started (lock held)").append('\n');
        return sb.toString();
    }

    /** @param restoreTested backup id to when it was last restore-tested and how ("passed 2026-..."); none: "never" */
    private static String list(List<BackupRecord> backups, Instant now, Map<String, String> restoreTested) {
        // Columns as wide as their longest value: a long source or file name must not shift the rest.
        int src = Math.max(6, backups.stream().mapToInt(b -> b.source().length()).max().orElse(0));
        int fil = Math.max(4, backups.stream().mapToInt(b -> shownFile(b).length()).max().orElse(0));
        String row = "%-8s  %-" + src + "s  %-20s  %-5s  %-" + fil + "s  %10s  %-20s  %-10s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(row,
                "ID", "SOURCE", "TAKEN (UTC)", "AGE", "FILE", "SIZE", "COPIES", "KEEP UNTIL", "VERIFIED"));
        for (BackupRecord b : backups) {
            sb.append(String.format(row, b.shortId(),
                    b.source(), b.time().toString(), age(b.time(), now), shownFile(b),
                    Sizes.binary(b.size()), String.join(",", b.copies().stream().map(Copy::destination).toList()),
                    b.retentionUntil().toString().substring(0, 10),
                    b.doubt() != null ? "NOT VERIFIED (copies possibly gone)"
                            : b.lastVerified() == null && !b.lastVerifyOk() ? "NOT VERIFIED (a copy was found gone)"
                            : b.lastVerified() == null ? "at write (" + b.time() + ")"
                            : (b.lastVerifyOk() ? "" : "FAILED ") + b.lastVerified()));
            for (Copy c : b.copies()) {
                sb.append("          ").append(c.destination()).append(": ").append(c.location()).append('\n');
            }
            if (b.doubt() != null) {
                sb.append("          ").append(line(b.doubt())).append('\n');
            }
            sb.append("          restore-tested: ").append(line(restoreTested.getOrDefault(b.id(), "never")))
                    .append('\n');
        }
        sb.append(backups.size()).append(" backup(s)\n");
        return sb.toString();
    }

    /**
     * The file name as stored: the copies' own name when they agree (a second backup in the same
     * minute is stored as {@code ...-2120-1.sql.gz}, not under the name first chosen), else the planned one.
     */
    static String shownFile(BackupRecord b) {
        Set<String> names = new LinkedHashSet<>();
        for (Copy c : b.copies()) {
            String loc = c.location();
            names.add(loc.substring(loc.lastIndexOf('/') + 1));
        }
        return names.size() == 1 ? names.iterator().next() : b.file();
    }

    /** {@code backup verify} as text. */
    private static String verify(List<CopyCheck> checks, Style st) {
        StringBuilder sb = new StringBuilder();
        for (CopyCheck c : checks) {
            String label = switch (c.status()) {
                case OK -> st.ok("OK      ");
                case MISSING -> st.bad("MISSING ");
                case MISMATCH -> st.bad("MISMATCH");
                case UNREADABLE -> st.bad("ERROR   ");
                case SAME_FILE -> st.bad("SAMEFILE");
            };
            sb.append(label).append("  ").append(c.backup().shortId()).append("  ").append(c.backup().source())
                    .append("  ").append(c.copy().destination()).append(": ").append(c.copy().location());
            if (c.status() == Status.MISMATCH) {
                sb.append("  sha256 ").append(c.actual()).append(" != recorded ").append(c.copy().sha256())
                        .append(" (").append(line(c.detail())).append(')');
            } else if (c.status() != Status.OK) {
                sb.append("  (").append(line(c.detail())).append(')');
            }
            sb.append('\n');
        }
        long bad = checks.stream().filter(c -> c.status() != Status.OK).count();
        sb.append(checks.size() - bad).append(" cop").append(checks.size() - bad == 1 ? "y" : "ies")
                .append(" verified, ").append(bad).append(" failed\n");
        return sb.toString();
    }

    /** {@code backup prune} as text. */
    private static String prune(List<PruneItem> items, boolean applied) {
        StringBuilder sb = new StringBuilder();
        for (PruneItem i : items) {
            String what = switch (i.action()) {
                case KEEP -> "keep   ";
                case KEEP_NEWEST_VERIFIED -> "keep*  ";
                case DELETE -> applied ? (i.errors().isEmpty() ? "deleted" : "FAILED ") : "delete ";
                case REFUSED -> "REFUSED";
            };
            sb.append(what).append("  ").append(i.backup().shortId()).append("  ").append(i.backup().source())
                    .append("  ").append(i.backup().file()).append("  (").append(line(i.reason())).append(")\n");
            for (String e : i.errors()) {
                sb.append("           ").append(line(e)).append('\n');
            }
        }
        long del = items.stream().filter(i -> i.action() == Action.DELETE).count();
        long refused = items.stream().filter(i -> i.action() == Action.REFUSED).count();
        sb.append(applied ? del + " backup(s) deleted" : del + " backup(s) would be deleted (dry run: add --apply)")
                .append(", ").append(items.size() - del).append(" kept")
                .append(refused == 0 ? "" : " (" + refused + " of them because their source's prune was REFUSED)")
                .append('\n');
        return sb.toString();
    }

    /** The time elapsed since a backup, in whole units (days, else hours, else minutes). */
    static String age(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.toDays() > 0) {
            return d.toDays() + "d";
        } else if (d.toHours() > 0) {
            return d.toHours() + "h";
        }
        return Math.max(0, d.toMinutes()) + "m";
    }
}
