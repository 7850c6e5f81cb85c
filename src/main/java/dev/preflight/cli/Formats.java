package dev.preflight.cli;

import dev.preflight.report.Format;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code --format} values a command's renderer supports, the first being its default. The one
 * place they are declared: {@link BaseCommand#format()} refuses the others and {@link HelpText}
 * lists exactly these in the command's help and completion. A command without it prints text only.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Formats {
    Format[] value();
}
