package dev.preflight.cli;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The plan read on the warm-up thread ({@link Main}) while picocli builds the command model on the
 * main thread: on a cold JVM both take tens of milliseconds, and a command cannot start its work
 * before either. A command takes the plan read ahead only when it resolves the very same path with
 * the same environment; when the read ahead failed, or guessed another path, the command reads the
 * plan itself as it always did, so what it reports (every plan error, file:line:col) is unchanged.
 */
public final class PlanAhead {
    private static final PlanAhead NONE = new PlanAhead(null, null);

    /** Commands that read no plan, or not always: nothing is read ahead for them. */
    private static final Set<String> NO_PLAN = Set.of("schema", "generate-completion");

    private final Path path;
    private final FutureTask<Plan> task;

    private PlanAhead(Path path, FutureTask<Plan> task) {
        this.path = path;
        this.task = task;
    }

    /** Nothing read ahead: every command reads its plan itself (tests, and commands that need none). */
    public static PlanAhead none() {
        return NONE;
    }

    /**
     * The read ahead for these arguments, not started yet ({@link #read} starts it): the plan that
     * {@code --plan}, else {@code $PREFLIGHT_PLAN}, else {@code ./preflight.yaml} names, when that is a
     * regular file and the arguments name a command that reads a plan. None for help, version, no
     * command, {@code schema}, completion, and ad-hoc audits ({@code --local}, {@code --host},
     * {@code --require}), which read no plan; the guess is cheap, and a wrong one costs only the read.
     */
    public static PlanAhead of(List<String> args, Map<String, String> env, Path cwd) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h") || args.contains("--version")
                || args.contains("-V")) {
            return NONE;
        }
        boolean command = false;
        for (Class<?> c : PreflightCommand.SUBCOMMANDS) {
            String name = Cli.nameOf(c);
            if (args.contains(name)) {
                if (NO_PLAN.contains(name)) {
                    return NONE;
                }
                command = true;
            }
        }
        if (!command || (args.contains("audit")
                && (args.contains("--local") || args.contains("--host") || args.contains("--require")))) {
            return NONE;
        }
        String option = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--plan") && i + 1 < args.size()) {
                option = args.get(i + 1);
            } else if (a.startsWith("--plan=")) {
                option = a.substring("--plan=".length());
            }
        }
        Path path = BaseCommand.planPath(option, env, cwd);
        if (!Files.isRegularFile(path)) {
            return NONE;
        }
        return new PlanAhead(path, new FutureTask<>(new Read(path, env)));
    }

    /**
     * The read itself. A class rather than a lambda, as Main's warm-up is: a lambda is linked at run
     * time, on a cold JVM, unless the start-up archive's training met it.
     */
    private record Read(Path path, Map<String, String> env) implements Callable<Plan> {
        @Override
        public Plan call() {
            return PlanLoader.load(path, env);
        }
    }

    /** Reads the plan, on the calling thread; a second call, or one after {@link #take} began, does nothing. */
    public void read() {
        if (task != null) {
            task.run();
        }
    }

    /**
     * The plan read ahead from exactly this path, waiting for the read when it is under way (and doing
     * it here when it has not started); empty when another path was read, or the read failed (the
     * caller reads again and reports the failure itself).
     */
    Optional<Plan> take(Path planPath) {
        if (task == null || !path.equals(planPath)) {
            return Optional.empty();
        }
        task.run();
        try {
            return Optional.of(task.get());
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
