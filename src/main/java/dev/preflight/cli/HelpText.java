package dev.preflight.cli;

import dev.preflight.report.Format;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How help reads: picocli lays the text out on one very wide line per entry and this class wraps it
 * at spaces only, so a path, an option or a file name is never split across lines (picocli's own
 * wrap breaks after dots and slashes: ". preflight/ledger.db"). It also gives each command a
 * {@code --format} option that names, and completes, only the formats that command supports.
 */
final class HelpText {
    /** Wide enough that picocli never wraps; the real wrap is {@link #wrap}. */
    private static final int UNWRAPPED = 1000;
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    private HelpText() {
    }

    /** Applies the layout and the per-command formats to the whole tree as it is now. */
    static void apply(CommandLine root, int width) {
        formats(root);
        List<CommandLine> all = new ArrayList<>(List.of(root));
        descendants(root, all);
        for (CommandLine cl : all) {
            // A blank line between the description and the lists it is followed by.
            cl.getCommandSpec().usageMessage().optionListHeading("%nOptions:%n").commandListHeading("%nCommands:%n");
        }
        root.setUsageHelpWidth(UNWRAPPED);
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>();
        Map<String, IHelpSectionRenderer> original = root.getHelpSectionMap();
        original.forEach((key, renderer) -> sections.put(key, help -> wrap(renderer.render(help), width)));
        // The synopsis is rendered apart from its "Usage: " heading: wrap them together, print the rest.
        IHelpSectionRenderer heading = original.get(UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING);
        IHelpSectionRenderer synopsis = original.get(UsageMessageSpec.SECTION_KEY_SYNOPSIS);
        sections.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, help -> {
            String head = heading.render(help);
            return wrap(head + synopsis.render(help), width).substring(head.length());
        });
        root.setHelpSectionMap(sections);
    }

    /**
     * Gives each command a --format option that lists that command's formats. Adding an inherited
     * option to a command copies it into every command below it, so a command's copies below are
     * removed before its own is replaced; parents go before their children.
     */
    private static void formats(CommandLine root) {
        List<String> all = Arrays.stream(Format.values()).map(Format::label).toList();
        replace(root, "Output format: " + String.join(", ", all) + "; each command's --help lists the ones it supports.",
                all);
        List<CommandLine> below = new ArrayList<>();
        descendants(root, below);
        for (CommandLine cl : below) {
            if (cl.getCommandSpec().userObject() instanceof BaseCommand command) {
                List<String> labels = BaseCommand.supportedFormats(command).stream().map(Format::label).toList();
                replace(cl, labels.size() == 1 ? "Output format: " + labels.get(0) + " only."
                        : "Output format: " + String.join(", ", labels) + " (default: " + labels.get(0) + ").", labels);
            }
        }
    }

    private static void replace(CommandLine cl, String description, List<String> labels) {
        CommandSpec spec = cl.getCommandSpec();
        OptionSpec option = spec.findOption("--format");
        if (option == null) {
            return;
        }
        List<CommandLine> below = new ArrayList<>();
        descendants(cl, below);
        for (CommandLine sub : below) {
            OptionSpec copy = sub.getCommandSpec().findOption("--format");
            if (copy != null) {
                sub.getCommandSpec().remove(copy);
            }
        }
        spec.remove(option);
        spec.addOption(option.toBuilder().description(description).completionCandidates(labels).build());
    }

    private static void descendants(CommandLine cl, List<CommandLine> out) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub)) {
                out.add(sub);
                descendants(sub, out);
            }
        }
    }

    /**
     * Wraps every line longer than {@code width} at spaces. A continuation lines up two columns
     * right of where the line's text column starts (after the first run of two or more spaces, as
     * in option and command lists), or under the first word after the command name on a
     * {@code Usage:} line; a word longer than the line stays whole.
     */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(wrapLine(lines[i], width));
        }
        return out.toString();
    }

    private static String wrapLine(String line, int width) {
        String trimmedEnd = line.stripTrailing();
        if (visible(trimmedEnd) <= width) {
            return line;
        }
        String plain = ANSI.matcher(trimmedEnd).replaceAll("");
        int lead = plain.length() - plain.stripLeading().length();
        int textStart;
        int indent;
        if (plain.startsWith("Usage: ")) {
            int afterName = plain.indexOf(' ', "Usage: ".length());
            textStart = afterName < 0 ? plain.length() : afterName + 1;
            indent = textStart;
        } else {
            int gap = plain.indexOf("  ", lead);
            if (gap > 0 && gap < width / 2) {
                int col = gap;
                while (col < plain.length() && plain.charAt(col) == ' ') {
                    col++;
                }
                textStart = col;
                indent = col + 2;
            } else {
                textStart = lead;
                indent = lead;
            }
        }
        // Split the original (maybe coloured) line at the same visible column.
        int cut = rawIndex(trimmedEnd, textStart);
        String prefix = trimmedEnd.substring(0, cut);
        List<String> words = new ArrayList<>(List.of(trimmedEnd.substring(cut).split(" +")));
        StringBuilder out = new StringBuilder(prefix);
        int col = textStart;
        boolean first = true;
        for (String w : words) {
            if (w.isEmpty()) {
                continue;
            }
            int len = visible(w);
            if (!first && col + 1 + len > width) {
                out.append('\n').append(" ".repeat(indent));
                col = indent;
                first = true;
            }
            if (!first) {
                out.append(' ');
                col++;
            }
            out.append(w);
            col += len;
            first = false;
        }
        return out.toString();
    }

    private static int visible(String s) {
        return ANSI.matcher(s).replaceAll("").length();
    }

    /** The index in {@code s} of visible column {@code column}, skipping escape codes. */
    private static int rawIndex(String s, int column) {
        int seen = 0;
        int i = 0;
        while (i < s.length() && seen < column) {
            if (s.charAt(i) == '\u001b') {
                int m = s.indexOf('m', i);
                i = m < 0 ? s.length() : m + 1;
                continue;
            }
            seen++;
            i++;
        }
        return i;
    }
}
