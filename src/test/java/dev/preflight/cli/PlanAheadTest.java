package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan read ahead on Main's warm-up thread: taken by a command only when it is the plan the
 * command resolves itself (proved by editing the file after the read: the command then sees the
 * text as read ahead), never for another path, and a failed read leaves the reporting to the
 * command, word for word as without it.
 */
class PlanAheadTest {
    private static final String VALID = "version: 1\nproject: {name: demo}\n";
    private static final String BROKEN = "version: 1\nproject: {nam: x}\nenvironments: [{name: a, hosts: [{name: h, uri: 'ftp://x'}]}]\n";

    @TempDir
    Path dir;

    private CliRun run(PlanAhead ahead, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new PrintWriter(out), new PrintWriter(err), env, CliRun.CLOCK, dir, false);
        int code = Cli.run(ctx, ahead, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Reads ahead for these arguments, then breaks the file: a command that took the read ahead passes. */
    private CliRun readAheadThenBreak(Path plan, Map<String, String> env, String... args) throws Exception {
        Files.writeString(plan, VALID);
        PlanAhead ahead = PlanAhead.of(List.of(args), env, dir);
        ahead.read();
        Files.writeString(plan, BROKEN);
        return run(ahead, env, args);
    }

    @Test
    void theCommandTakesThePlanReadAheadFromTheSamePathHoweverItIsNamed() throws Exception {
        Path byDefault = dir.resolve("preflight.yaml");
        assertThat(readAheadThenBreak(byDefault, Map.of(), "validate").code()).isZero();

        Path named = dir.resolve("named.yaml");
        assertThat(readAheadThenBreak(named, Map.of(), "validate", "--plan", "named.yaml").code()).isZero();
        assertThat(readAheadThenBreak(named, Map.of(), "--plan=named.yaml", "validate").code()).isZero();

        Path fromEnv = dir.resolve("env.yaml");
        assertThat(readAheadThenBreak(fromEnv, Map.of("PREFLIGHT_PLAN", "env.yaml"), "validate").code()).isZero();

        // Without the read ahead the same command reads the broken file (the control).
        assertThat(run(PlanAhead.none(), Map.of("PREFLIGHT_PLAN", "env.yaml"), "validate").code()).isEqualTo(2);
    }

    @Test
    void aPlanReadAheadFromAnotherPathIsNotTaken() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), VALID);
        Files.writeString(dir.resolve("b.yaml"), BROKEN);
        // The guess saw "a.yaml" (here: arguments that differ from the ones run, as a guess can).
        PlanAhead ahead = PlanAhead.of(List.of("--plan", "a.yaml", "validate"), Map.of(), dir);
        ahead.read();

        CliRun r = run(ahead, Map.of(), "--plan", "b.yaml", "validate");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("b.yaml:2:");
        assertThat(ahead.take(dir.resolve("b.yaml"))).isEmpty();
        assertThat(ahead.take(dir.resolve("a.yaml"))).isPresent();
    }

    @Test
    void aFailedReadAheadLeavesTheReportToTheCommandWordForWord() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), BROKEN);
        PlanAhead ahead = PlanAhead.of(List.of("validate"), Map.of(), dir);
        ahead.read();

        CliRun with = run(ahead, Map.of(), "validate");
        CliRun without = run(PlanAhead.none(), Map.of(), "validate");

        assertThat(with.code()).isEqualTo(2);
        assertThat(with).isEqualTo(without);
        assertThat(ahead.take(dir.resolve("preflight.yaml"))).isEmpty();
    }

    @Test
    void aCommandThatFindsTheReadNotYetStartedDoesItItself() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), VALID);
        PlanAhead ahead = PlanAhead.of(List.of("validate"), Map.of(), dir);

        assertThat(run(ahead, Map.of(), "validate").code()).isZero();
        ahead.read(); // the warm-up thread coming late: nothing happens
        assertThat(ahead.take(dir.resolve("preflight.yaml"))).isPresent();
    }

    @Test
    void nothingIsReadAheadForArgumentsThatReadNoPlan() throws Exception {
        Path plan = dir.resolve("preflight.yaml");
        Files.writeString(plan, VALID);
        for (List<String> args : List.of(List.<String>of(), List.of("--help"), List.of("validate", "-h"),
                List.of("--version"), List.of("schema"), List.of("generate-completion"),
                List.of("audit", "--local", "--require", "java=17"), List.of("nosuchcommand"))) {
            PlanAhead ahead = PlanAhead.of(args, Map.of(), dir);
            ahead.read();
            assertThat(ahead.take(plan)).as("%s", args).isEmpty();
        }
        // A plan that is not there (or not a file) is left for the command to report.
        assertThat(PlanAhead.of(List.of("--plan", "gone.yaml", "validate"), Map.of(), dir).take(dir.resolve("gone.yaml")))
                .isEmpty();
        Files.createDirectory(dir.resolve("adir"));
        assertThat(PlanAhead.of(List.of("--plan", "adir", "validate"), Map.of(), dir).take(dir.resolve("adir")))
                .isEmpty();
    }
}
