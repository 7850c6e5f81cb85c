package dev.preflight.cli;

import dev.preflight.report.Format;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code --format} values of a command that has no renderer, the first being its default:
 * {@link BaseCommand#format()} refuses the others and {@link HelpText} lists exactly these in the
 * command's help and completion. A command with a renderer ({@link RendersWith}) takes its formats
 * from it and may not carry this too. Only {@code schema} still does: its output is the JSON Schema
 * whatever the format, and its help has always said "json, text (default: json)", while a renderer's
 * commands default to text ({@code RendersWithTest}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Formats {
    Format[] value();
}
