package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** preflight(1) covers the whole command tree the CLI parses with, and renders without roff warnings. */
class ManPageTest {
    @TempDir
    Path dir;

    private static CommandLine tree() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        return Cli.commandLine(CliContext.system(none, none));
    }

    private static String page() {
        return ManPage.render(tree(), "preflight 9.8.7", "2026-01-02");
    }

    private static void collect(CommandLine cl, List<CommandLine> into) {
        for (var e : cl.getSubcommands().entrySet()) {
            CommandLine sub = e.getValue();
            if (!sub.getCommandSpec().usageMessage().hidden() && e.getKey().equals(sub.getCommandSpec().name())) {
                into.add(sub);
                collect(sub, into);
            }
        }
    }

    @Test
    void headerNamesVersionAndDate() {
        String p = page();
        assertThat(p.lines().limit(3)).anyMatch(l -> l.equals(".TH PREFLIGHT 1 \"2026\\-01\\-02\" \"preflight 9.8.7\" \"Preflight manual\""));
        assertThat(p).contains(".SH NAME\npreflight \\- executable, auditable pre\\-flight");
    }

    @Test
    void everyVisibleCommandAndEachOfItsOwnOptionsIsOnThePage() {
        String p = page();
        List<CommandLine> all = new ArrayList<>();
        collect(tree(), all);
        // The tree is the real one: audit, the flags subcommands, readiness sign, ...
        assertThat(all).extracting(c -> c.getCommandSpec().qualifiedName(" "))
                .contains("preflight audit", "preflight flags toggle", "preflight readiness sign", "preflight backup run");
        for (CommandLine c : all) {
            String name = c.getCommandSpec().qualifiedName(" ").replace("-", "\\-");
            assertThat(p).as("section of %s", name).contains(".SS \"" + name + "\"\n");
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!o.hidden() && !o.inherited()) {
                    assertThat(p).as("%s %s", name, o.longestName()).contains("\\fB" + o.longestName().replace("-", "\\-") + "\\fR");
                }
            }
        }
        for (OptionSpec o : tree().getCommandSpec().options()) {
            assertThat(p).contains("\\fB" + o.longestName().replace("-", "\\-") + "\\fR");
        }
    }

    @Test
    void exitStatusComesFromTheUsageFooter() {
        String p = page();
        assertThat(p).contains(".SH \"EXIT STATUS\"\n");
        for (int code = 0; code <= 4; code++) {
            assertThat(p).contains(".TP\n.B " + code + "\n");
        }
        assertThat(p).contains("usage or configuration error");
    }

    @Test
    void noLineStartsAControlCharacterByAccident() {
        for (String line : page().lines().toList()) {
            if (line.startsWith(".") || line.startsWith("'")) {
                assertThat(line).as("a request line").matches("^(\\.(TH|SH|SS|TP|PP|B|I|\\\\\").*|'\\\\\" -\\*- coding: UTF-8 -\\*-)$");
            }
        }
    }

    @Test
    void groffRendersItWithoutWarningsAndOptionsKeepAsciiHyphens() throws Exception {
        LocalProcessRunner runner = new LocalProcessRunner(Secrets.none());
        Path file = dir.resolve("preflight.1");
        Files.writeString(file, page(), StandardCharsets.UTF_8);
        ProcessResult check = runner.run(ProcessSpec.of("groff", "-man", "-k", "-Tutf8", "-ww", "-z", file.toString()));
        assumeThat(check.notFound()).as("groff is installed (groff-base)").isFalse();
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stderr()).isEmpty();
        ProcessResult text = runner.run(ProcessSpec.of("groff", "-man", "-k", "-Tutf8", "-P-c", "-P-b", "-P-u", file.toString())
                .withEnv(Map.of("LC_ALL", "C.UTF-8")));
        assertThat(text.exitCode()).as(text.stderr()).isZero();
        assertThat(text.stdout()).contains("preflight audit", "--local", "--require TOOL=CONSTRAINT");
    }
}
