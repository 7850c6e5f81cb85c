package dev.preflight.cli;

import dev.preflight.report.Format;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * Options every command inherits: which plan, which ledger, output format and file, verbosity and
 * colour. Declared once on the root with {@code scope = INHERIT} so they may be given before or
 * after the subcommand name.
 */
public final class GlobalOptions {
    @Option(names = "--plan", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Plan file (default: $PREFLIGHT_PLAN, else ./preflight.yaml).")
    String plan;

    @Option(names = "--ledger", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Evidence ledger: sqlite:PATH or jdbc:postgresql://... "
                    + "(default: the plan's ledger.url, else .preflight/ledger.db beside the plan).")
    String ledger;

    @Option(names = "--format", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            converter = FormatConverter.class,
            description = "Output format: text, json, markdown, junit, html (each command accepts the ones that fit).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Write the report to FILE (atomically) instead of stdout.")
    String output;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Verbose: show progress details and stack traces of errors.")
    boolean verbose;

    @Option(names = "--no-color", scope = ScopeType.INHERIT,
            description = "No ANSI colour (also when NO_COLOR is set or stdout is not a terminal).")
    boolean noColor;

    /** Converts {@code --format} values, with the list of valid ones on error. */
    public static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
