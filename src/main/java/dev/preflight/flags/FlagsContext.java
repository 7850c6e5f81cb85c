package dev.preflight.flags;

import dev.preflight.ledger.Ledger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What every flags verb works with, built once per command: the project (the subject of
 * validations), the plan's {@code feature_flags} section, the ledger, the clock, the directory
 * reports name files relative to, and how long a toggle waits for another one's lock.
 *
 * @param displayBase reports name files relative to this directory (the working directory)
 * @param lockWait    how long a toggle waits for another one holding the file's lock (then exit 3)
 * @param notices     where a verb says what it waits for (stderr in the CLI), so a wait is never silent
 */
public record FlagsContext(String project, FlagsPlan plan, Ledger ledger, Clock clock, Path displayBase,
                           Duration lockWait, Consumer<String> notices) {
    public FlagsContext {
        displayBase = displayBase.toAbsolutePath().normalize();
        notices = notices == null ? line -> { } : notices;
    }

    /** A context whose toggles wait up to {@code lockWait} and say nothing while they do. */
    public FlagsContext(String project, FlagsPlan plan, Ledger ledger, Clock clock, Path displayBase, Duration lockWait) {
        this(project, plan, ledger, clock, displayBase, lockWait, null);
    }

    /** A context whose toggles wait up to 60 s for another toggle's lock. */
    public FlagsContext(String project, FlagsPlan plan, Ledger ledger, Clock clock, Path displayBase) {
        this(project, plan, ledger, clock, displayBase, Duration.ofSeconds(60), null);
    }

    /** How reports name a path: relative to the working directory when below it. */
    public String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(displayBase) && !abs.equals(displayBase) ? displayBase.relativize(abs).toString()
                : abs.toString();
    }

    /** How reports name the plan file. */
    String planDisplay() {
        return display(Path.of(plan.planFile()));
    }
}
