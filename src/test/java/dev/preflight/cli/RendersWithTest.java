package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.report.Format;
import dev.preflight.testing.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A command that renders with a capability renderer accepts exactly that renderer's formats, and its
 * help lists exactly those: the formats are declared once, by the renderer.
 */
class RendersWithTest {
    @TempDir
    Path dir;

    @Test
    void everyRenderingCommandOffersItsRenderersFormatsAndNoOthers() {
        CommandLine root = Cli.commandLine(new CliContext(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of(), CliRun.CLOCK, dir, false));
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        int rendering = 0;
        for (CommandLine cl : all) {
            Object cmd = cl.getCommandSpec().userObject();
            if (!(cmd instanceof RendersWith<?> r)) {
                continue;
            }
            rendering++;
            String name = cl.getCommandSpec().qualifiedName(" ");
            assertThat(cmd.getClass().getAnnotation(Formats.class)).as(name + " declares no second list").isNull();
            List<Format> offered = BaseCommand.supportedFormats(cmd);
            assertThat(EnumSet.copyOf(offered)).as(name).isEqualTo(EnumSet.copyOf(r.renderer().formats()));
            assertThat(offered.get(0)).as(name + " defaults to text").isEqualTo(Format.TEXT);
            List<String> candidates = new ArrayList<>();
            cl.getCommandSpec().findOption("--format").completionCandidates().forEach(candidates::add);
            assertThat(candidates).as(name + " completion").containsExactlyElementsOf(offered.stream().map(Format::label).toList());
            // Commands that need arguments would refuse for that first; the check runs where none are required.
            boolean needsArgs = cl.getCommandSpec().args().stream().anyMatch(a -> a.required());
            for (Format f : Format.values()) {
                if (offered.contains(f) || needsArgs) {
                    continue;
                }
                List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
                args.addAll(List.of("--format", f.label()));
                CliRun refused = CliRun.of(dir, Map.of(), CliRun.CLOCK, args.toArray(String[]::new));
                assertThat(refused.code()).as(name + " --format " + f.label()).isEqualTo(2);
                assertThat(refused.err()).contains("does not support --format " + f.label());
            }
        }
        // cutover (plan, status and its six acting commands) and flags (five) at least.
        assertThat(rendering).isGreaterThanOrEqualTo(13);
    }

    @Test
    void everyCommandThatReportsSomethingOffersJson() {
        CommandLine root = Cli.commandLine(new CliContext(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of(), CliRun.CLOCK, dir, false));
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        List<String> withoutJson = new ArrayList<>();
        for (CommandLine cl : all) {
            // Groups (backup, cutover, ...) only print their usage; leaves report what they did.
            if (cl.getCommandSpec().userObject() instanceof BaseCommand cmd && cl.getSubcommands().isEmpty()
                    && !BaseCommand.supportedFormats(cmd).contains(Format.JSON)) {
                withoutJson.add(cl.getCommandSpec().qualifiedName(" "));
            }
        }
        assertThat(withoutJson).isEmpty();
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        if (!out.contains(cl)) {
            out.add(cl);
            cl.getSubcommands().values().forEach(sub -> collect(sub, out));
        }
    }
}
