package dev.preflight.backup;

import dev.preflight.core.Errors;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds what processes killed with SIGKILL (or a power cut) left behind, since nothing of theirs
 * could clean up: private temporary directories (a client option file holds a database password),
 * {@code .partial} copies in local destinations, scratch redis directories (and the orphaned
 * {@code redis-server} still serving one). Each names its owner ({@link Owner}); a leftover is
 * removed only when its owner is known to be gone, never while it may still be working, and what
 * was removed is said on stderr and recorded in the ledger ({@link #KIND}).
 */
public final class Leftovers {
    /** Ledger kind of the entry that lists what a sweep removed. */
    public static final String KIND = EvidenceKind.CLEANUP.id();
    /** Directory prefixes in the temporary directory, longest first (one may start another). */
    static final List<String> TEMP_PREFIXES = List.of(
            "preflight-redis-restore-", "preflight-restore-", MysqlProducer.TMP_PREFIX, RedisProducer.RDB_PREFIX);

    private Leftovers() {
    }

    /** What happened to one leftover. */
    public enum Action {
        REMOVED, FAILED, UNKNOWN_OWNER
    }

    /**
     * One leftover.
     *
     * @param what     what it is ("private temporary directory (database client option file)")
     * @param location its path or name
     * @param owner    who made it ({@link Owner#describe()}), or "" when it names nobody
     * @param action   removed, removal failed, or kept because its owner is unknown
     * @param detail   why the removal failed, or what else was done (an orphan server stopped)
     */
    public record Found(String what, String location, String owner, Action action, String detail) {
        /** One line for stderr. */
        public String line() {
            return switch (action) {
                case REMOVED -> "cleanup: removed " + what + " " + location + ", left by " + owner + ", which is gone"
                        + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
                case FAILED -> "cleanup: could not remove " + what + " " + location + ", left by " + owner + ": " + detail;
                case UNKNOWN_OWNER -> "cleanup: kept " + what + " " + location + ": it names no owner (made by an "
                        + "older version of Preflight); remove it by hand if nothing is using it";
            };
        }
    }

    /** The plan's local destination directories. */
    public static List<Path> localDirs(BackupPlan plan) {
        return plan.destinations().stream().filter(d -> d instanceof BackupPlan.LocalDestination)
                .map(d -> ((BackupPlan.LocalDestination) d).path()).toList();
    }

    /** The temporary directory this JVM uses. */
    public static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Private temporary directories (and scratch redis directories) in {@code tmp} whose owner is gone. */
    public static List<Found> sweepTemp(Path tmp) {
        List<Found> out = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(tmp)) {
            entries = s.filter(p -> p.getFileName().toString().startsWith("preflight-")).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return out;
        }
        for (Path d : entries) {
            String name = d.getFileName().toString();
            String prefix = TEMP_PREFIXES.stream().filter(name::startsWith).findFirst().orElse(null);
            if (prefix == null || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) || !mine(d)) {
                continue;
            }
            String[] f = name.substring(prefix.length()).split("-");
            Owner.State state;
            String owner;
            if (f.length == 4) {
                Optional<Owner> o = Owner.parseFileToken(f[0] + "-" + f[1] + "-" + f[2]);
                if (o.isEmpty()) {
                    continue;
                }
                state = o.get().state();
                owner = o.get().describe();
            } else if (f.length == 2 && f[0].matches("\\d{1,10}") && !prefix.contains("restore")) {
                // PREFIX-PID-RANDOM, written before owners had a start time: judged by the pid alone.
                long pid = Long.parseLong(f[0]);
                state = Owner.legacyState(pid, modified(d));
                owner = "pid " + pid;
            } else {
                continue; // names nobody we can judge: not ours to remove
            }
            if (state != Owner.State.GONE) {
                continue;
            }
            String what = describe(prefix);
            String detail = prefix.equals("preflight-redis-restore-") ? stopServersIn(d) : "";
            try {
                PrivateTemp.deleteTree(d);
                out.add(new Found(what, d.toString(), owner, Action.REMOVED, detail));
            } catch (IOException | RuntimeException e) {
                out.add(new Found(what, d.toString(), owner, Action.FAILED, Errors.describe(e)));
            }
        }
        return out;
    }

    /** {@code .partial} copies in the given destination directories whose owner is gone. */
    public static List<Found> sweepPartials(List<Path> dirs) {
        List<Found> out = new ArrayList<>();
        for (Path dir : dirs) {
            List<Path> entries;
            try (Stream<Path> s = Files.list(dir)) {
                entries = s.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(".") && n.endsWith(LocalDirectoryStore.PARTIAL);
                }).sorted().toList();
            } catch (IOException | RuntimeException e) {
                continue; // a destination not created yet has nothing left in it
            }
            for (Path p : entries) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String what = "partial copy";
                Optional<Owner> o = partialOwner(p.getFileName().toString());
                if (o.isEmpty()) {
                    out.add(new Found(what, p.toString(), "", Action.UNKNOWN_OWNER, null));
                    continue;
                }
                if (o.get().state() != Owner.State.GONE) {
                    continue;
                }
                try {
                    Files.deleteIfExists(p);
                    out.add(new Found(what, p.toString(), o.get().describe(), Action.REMOVED, null));
                } catch (IOException e) {
                    out.add(new Found(what, p.toString(), o.get().describe(), Action.FAILED, Errors.describe(e)));
                }
            }
        }
        return out;
    }

    /** The owner in {@code .NAME.OWNER.RANDOM.partial}. */
    static Optional<Owner> partialOwner(String name) {
        String base = name.substring(0, name.length() - LocalDirectoryStore.PARTIAL.length());
        int random = base.lastIndexOf('.');
        if (random <= 0) {
            return Optional.empty();
        }
        String rest = base.substring(0, random);
        return Owner.parseFileToken(rest.substring(rest.lastIndexOf('.') + 1));
    }

    /**
     * Says what was found (one stderr line each) and, when anything was removed or could not be,
     * records one {@link #KIND} entry listing it: failed when a removal failed.
     *
     * @param subject the command that swept ({@code backup list})
     */
    public static void record(List<Found> found, Ledger ledger, String subject, Consumer<String> say) {
        for (Found f : found) {
            say.accept(f.line());
        }
        List<Found> acted = found.stream().filter(f -> f.action() != Action.UNKNOWN_OWNER).toList();
        if (acted.isEmpty() || ledger == null) {
            return;
        }
        long failed = acted.stream().filter(f -> f.action() == Action.FAILED).count();
        List<Map<String, Object>> items = new ArrayList<>();
        for (Found f : found) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", f.what());
            m.put("location", f.location());
            m.put("owner", f.owner());
            m.put("action", f.action().name().toLowerCase(Locale.ROOT));
            m.put("detail", f.detail());
            items.add(m);
        }
        String summary = "removed " + (acted.size() - failed) + " leftover(s) of processes that are gone"
                + (failed == 0 ? "" : ", " + failed + " could not be removed") + ": "
                + String.join("; ", acted.stream().map(f -> f.what() + " " + f.location()).toList());
        ledger.append(NewEntry.of(KIND, subject, failed == 0 ? Outcome.PASSED : Outcome.FAILED,
                summary.length() <= 500 ? summary : summary.substring(0, 497) + "...", Map.of("items", items)));
    }

    private static String describe(String prefix) {
        return switch (prefix) {
            case "preflight-redis-restore-" -> "scratch redis directory";
            case "preflight-restore-" -> "private temporary directory (restore client option file)";
            case "preflight-rdb-" -> "private temporary directory (Redis snapshot)";
            default -> "private temporary directory (database client option file)";
        };
    }

    /**
     * Stops what still runs in a dead restore's scratch redis directory: the redis-server it started
     * outlives a JVM killed with SIGKILL. Found by its working directory (redis-server changes into
     * its {@code --dir} and rewrites its own argument list, so its arguments cannot be trusted).
     */
    private static String stopServersIn(Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return "";
        }
        List<String> stopped = new ArrayList<>();
        List<ProcessHandle> all;
        try (Stream<ProcessHandle> s = ProcessHandle.allProcesses()) {
            all = s.toList();
        }
        for (ProcessHandle h : all) {
            Path cwd = Path.of("/proc", Long.toString(h.pid()), "cwd");
            try {
                if (!Files.readSymbolicLink(cwd).equals(real)) {
                    continue;
                }
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                continue;
            }
            // comm is the name it was started by (redis-server is a link to another program).
            String cmd;
            try {
                cmd = Files.readString(Path.of("/proc", Long.toString(h.pid()), "comm")).strip();
            } catch (IOException | RuntimeException e) {
                cmd = h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("process");
            }
            h.destroy();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
            stopped.add("stopped the orphaned " + cmd + " pid " + h.pid());
        }
        return String.join(", ", stopped);
    }

    private static boolean mine(Path p) {
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }
}
