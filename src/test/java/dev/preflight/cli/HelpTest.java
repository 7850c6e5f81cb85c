package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.report.Format;
import dev.preflight.testing.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The help a new user reads: whole sentences, words and paths never split by the wrap, only the
 * formats a command supports, examples that parse, suggestions for typos, and no escape codes
 * where they cannot be shown. Driven through the CLI's one factory, text and exit code together.
 */
class HelpTest {
    private static final Pattern ESCAPE = Pattern.compile("\u001b\\[");

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private CliRun run(String... args) {
        return CliRun.of(dir, env, CliRun.CLOCK, args);
    }

    /** One run with an explicit terminal flag (CliRun always runs as a non-terminal). */
    private CliRun runOn(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), env, CliRun.CLOCK, dir, terminal),
                args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Help text with its wrapped lines joined again. */
    private static String flowing(String help) {
        return help.replaceAll("\n +", " ");
    }

    private static List<CommandLine> everyCommand() {
        CommandLine root = Cli.commandLine(new CliContext(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of(), CliRun.CLOCK, Path.of("."), false));
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        return all;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        if (!out.contains(cl)) {
            out.add(cl);
            cl.getSubcommands().values().forEach(sub -> collect(sub, out));
        }
    }

    private static String[] argsOf(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName(" ");
        List<String> args = new ArrayList<>(List.of(q.split(" ")).subList(1, q.split(" ").length));
        args.add("--help");
        return args.toArray(String[]::new);
    }

    @Test
    void everySummaryIsAWholeSentenceAndShownWhole() {
        CliRun root = run("--help");
        assertThat(root.code()).isZero();
        String flowing = flowing(root.out());
        for (CommandLine cl : everyCommand()) {
            CommandSpec spec = cl.getCommandSpec();
            if (spec.name().equals("generate-completion")) {
                continue; // picocli's own
            }
            String summary = spec.usageMessage().description()[0];
            assertThat(summary).as(spec.qualifiedName()).matches("[A-Z].*[.)]");
            if (cl.getParent() != null && cl.getParent().getParent() == null) {
                assertThat(flowing).as("root help shows the summary of %s whole", spec.name()).contains(summary);
            }
        }
        assertThat(root.out()).doesNotContain("(or ad hoc with\n");
    }

    @Test
    void wrappingNeverSplitsAWordOrAPath() {
        for (CommandLine cl : everyCommand()) {
            CliRun help = run(argsOf(cl));
            assertThat(help.code()).as(String.join(" ", argsOf(cl))).isZero();
            List<String> texts = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().description()));
            for (OptionSpec o : cl.getCommandSpec().options()) {
                texts.addAll(List.of(o.description()));
            }
            for (String text : texts) {
                for (String word : text.replace("%n", " ").replace("%%", "%").split("\\s+")) {
                    if (word.contains("${")) {
                        continue;
                    }
                    assertThat(help.out()).as("%s: '%s' whole", cl.getCommandSpec().qualifiedName(), word).contains(word);
                }
            }
            for (String line : help.out().split("\n")) {
                if (!line.contains("preflight") || !line.startsWith("  preflight")) {
                    assertThat(line.length()).as("%s: %s", cl.getCommandSpec().qualifiedName(), line).isLessThanOrEqualTo(80);
                }
            }
        }
        assertThat(run("--help").out()).contains(".preflight/ledger.db", "./preflight.yaml",
                "package-lock.json");
    }

    @Test
    void eachCommandListsAndCompletesOnlyItsOwnFormats() {
        CliRun validate = run("validate", "--help");
        assertThat(flowing(validate.out())).contains("--format=FORMAT", "Output format: text, json (default: text).")
                .doesNotContain("html");
        CliRun readiness = run("readiness", "--help");
        assertThat(flowing(readiness.out())).contains("Output format: text, json, markdown, html (default: text).");
        assertThat(readiness.out()).contains("NO-GO.\n\nOptions:\n");
        CliRun audit = run("audit", "--help");
        assertThat(flowing(audit.out())).contains("Output format: text, json, junit, markdown (default: text).")
                .doesNotContain("html");
        for (CommandLine cl : everyCommand()) {
            if (cl.getCommandSpec().userObject() instanceof BaseCommand b) {
                List<String> labels = BaseCommand.supportedFormats(b).stream().map(Format::label).toList();
                OptionSpec format = cl.getCommandSpec().findOption("--format");
                List<String> candidates = new ArrayList<>();
                format.completionCandidates().forEach(candidates::add);
                assertThat(candidates).as(cl.getCommandSpec().qualifiedName()).isEqualTo(labels);
            }
        }
        CliRun completion = run("generate-completion");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("FORMAT_option_args=(\"text\" \"json\" \"markdown\" \"html\")")
                .doesNotContainPattern("\"(TEXT|JSON|MARKDOWN|JUNIT|HTML)\"");
        // What help does not list, the command refuses.
        CliRun refused = run("validate", "--format", "html");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("does not support --format html", "supported: text, json");
    }

    @Test
    void everyCommandHasExamplesThatTheCommandLineAccepts() {
        for (CommandLine cl : everyCommand()) {
            CommandSpec spec = cl.getCommandSpec();
            if (spec.name().equals("generate-completion")) {
                continue;
            }
            CliRun help = run(argsOf(cl));
            assertThat(help.out()).as(spec.qualifiedName()).contains("\nExamples:\n");
            List<String> examples = List.of(spec.usageMessage().footer()).stream()
                    .filter(l -> l.startsWith("  preflight ")).map(String::strip).toList();
            assertThat(examples).as(spec.qualifiedName()).isNotEmpty();
            for (String example : examples) {
                List<String> words = shellWords(example);
                String[] args = words.subList(1, words.size()).toArray(String[]::new);
                if (example.contains("COMMAND")) {
                    continue;
                }
                CommandLine fresh = everyCommand().get(0);
                CommandLine.ParseResult parsed = fresh.parseArgs(args);
                CommandLine.ParseResult leaf = parsed;
                while (leaf.hasSubcommand()) {
                    leaf = leaf.subcommand();
                }
                assertThat(example).as("an example of %s runs it", spec.qualifiedName())
                        .contains(spec.qualifiedName().replaceFirst("^preflight ?", ""));
                assertThat(leaf.commandSpec().userObject()).as(example).isInstanceOf(BaseCommand.class);
            }
        }
    }

    /** Splits a shell line as sh would for these examples: spaces, single and double quotes. */
    private static List<String> shellWords(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    @Test
    void mistypedCommandsAndOptionsGetASuggestion() {
        CliRun command = run("readines");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).contains("'readines'", "did you mean: preflight readiness?",
                "hint: see 'preflight --help'");
        CliRun sub = run("backup", "lst");
        assertThat(sub.code()).isEqualTo(2);
        assertThat(sub.err()).contains("did you mean: preflight backup list?");
        CliRun option = run("validate", "--formt", "json");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("did you mean: --format?", "hint: see 'preflight validate --help'");
    }

    @Test
    void withoutACommandUsageGoesToStderrAndExitsTwo() {
        CliRun bare = run();
        assertThat(bare.code()).isEqualTo(2);
        assertThat(bare.out()).isEmpty();
        assertThat(bare.err()).contains("Usage: preflight", "Commands:", "'preflight' needs a command");
        CliRun group = run("ledger");
        assertThat(group.code()).isEqualTo(2);
        assertThat(group.err()).contains("Usage: preflight ledger", "'preflight ledger' needs a command");
    }

    @Test
    void escapeCodesOnlyOnATerminalThatShowsThem() {
        env.put("TERM", "xterm-256color");
        assertThat(runOn(true, "--help").out()).as("a colour terminal: the control that this test can fail")
                .containsPattern(ESCAPE);
        assertThat(runOn(false, "--help").out()).as("not a terminal").doesNotContainPattern(ESCAPE);
        for (String[] args : new String[][] {{"--help"}, {"restore-test", "--help"}, {"flags", "toggle", "--help"}}) {
            String coloured = runOn(true, args).out().replaceAll("\u001b\\[[0-9;]*m", "");
            assertThat(coloured).as("colour changes no line break: %s", String.join(" ", args))
                    .isEqualTo(runOn(false, args).out());
        }
        assertThat(runOn(true, "--no-color", "--help").out()).as("--no-color").doesNotContainPattern(ESCAPE);
        env.put("NO_COLOR", "1");
        assertThat(runOn(true, "--help").out()).as("NO_COLOR").doesNotContainPattern(ESCAPE);
        env.remove("NO_COLOR");
        env.put("TERM", "dumb");
        assertThat(runOn(true, "--help").out()).as("TERM=dumb").doesNotContainPattern(ESCAPE);
        CliRun error = runOn(true, "readines");
        assertThat(error.all()).as("TERM=dumb, an error").doesNotContainPattern(ESCAPE);
    }

    @Test
    void reportsFollowTheSameColourRules() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: colours}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                requirements: [{tool: java, version: ">=17"}]
                """);
        env.put("TERM", "xterm");
        CliRun coloured = runOn(true, "audit");
        assertThat(coloured.code()).as(coloured.all()).isZero();
        assertThat(coloured.out()).as("the control: a colour terminal").containsPattern(ESCAPE);
        env.put("TERM", "dumb");
        assertThat(runOn(true, "audit").all()).as("TERM=dumb").doesNotContainPattern(ESCAPE);
        env.remove("TERM");
        assertThat(runOn(true, "audit").all()).as("no TERM").doesNotContainPattern(ESCAPE);
        env.put("TERM", "xterm");
        env.put("NO_COLOR", "1");
        assertThat(runOn(true, "audit").all()).as("NO_COLOR").doesNotContainPattern(ESCAPE);
        env.remove("NO_COLOR");
        assertThat(runOn(false, "audit").all()).as("not a terminal").doesNotContainPattern(ESCAPE);
    }

    /**
     * {@code --version} builds no subcommand (building them all was half its start-up), prints the
     * version and exits 0; with help, or with no subcommand, the whole surface is there.
     */
    @Test
    void versionAloneBuildsNoSubcommandAndHelpStillSeesEveryOne() {
        CliContext ctx = new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(),
                CliRun.CLOCK, dir, false);
        assertThat(Cli.commandLine(ctx, new String[] {"--version"}).getSubcommands()).isEmpty();
        assertThat(Cli.commandLine(ctx, new String[] {"-V"}).getSubcommands()).isEmpty();
        assertThat(Cli.commandLine(ctx, new String[] {"--version", "--help"}).getSubcommands())
                .containsKeys("validate", "audit", "cutover", "restore-test");
        assertThat(Cli.commandLine(ctx, new String[] {"--help"}).getSubcommands()).containsKeys("validate", "audit");
        CliRun v = run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("preflight ");
        CliRun h = run("--help");
        assertThat(h.out()).contains("restore-test", "cutover");
    }
}
