package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.plan.PlanSchema;
import dev.preflight.report.Format;
import picocli.CommandLine.Command;

/** {@code preflight schema}: prints the plan's JSON Schema for editor completion. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of the plan file, for editor completion and CI linting.",
        footerHeading = "%nExamples:%n",
        footer = "  preflight schema -o preflight.schema.json")
@Formats({Format.JSON, Format.TEXT})
public final class SchemaCommand extends BaseCommand {
    @Override
    public Integer call() {
        // The schema is JSON whatever the format; text is accepted as the default spelling of it.
        format();
        emit(PlanSchema.json());
        return ExitCode.OK.code();
    }
}
