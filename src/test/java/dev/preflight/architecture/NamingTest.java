package dev.preflight.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.preflight.plan.SectionParser;
import dev.preflight.report.Renderer;
import dev.preflight.run.Section;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The naming scheme of docs/architecture.md ("the anatomy of a capability"): every capability
 * package {@code x} has {@code XPlan}, {@code XPlanParser} (a {@link SectionParser}), {@code XReport}
 * (its {@link Renderer}s), {@code XSection} (a {@link Section}) and {@code XEvidence}, under one
 * prefix, and none of the shapes it replaced ({@code XService}, {@code XReports}, a bare
 * {@code Evidence}, {@code XSectionParser}).
 */
class NamingTest {
    /** Each capability package and the one prefix its parts are named with. */
    private static final Map<String, String> PREFIX = Map.of("audit", "Audit", "backup", "Backup",
            "restore", "Restore", "deps", "Deps", "flags", "Flags", "cutover", "Cutover", "gates", "Gates",
            "risk", "Risk");
    private static JavaClasses classes;

    @BeforeAll
    static void importMain() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.preflight");
    }

    private static Optional<JavaClass> find(String pkg, String simpleName) {
        String name = "dev.preflight." + pkg + "." + simpleName;
        return classes.contain(name) ? Optional.of(classes.get(name)) : Optional.empty();
    }

    @Test
    void everyCapabilityHasTheSameNamedParts() {
        PREFIX.forEach((pkg, x) -> {
            assertThat(find(pkg, x + "Plan")).as(pkg + ": " + x + "Plan").isPresent();
            JavaClass parser = find(pkg, x + "PlanParser").orElse(null);
            assertThat(parser).as(pkg + ": " + x + "PlanParser").isNotNull();
            assertThat(parser.isAssignableTo(SectionParser.class)).as(x + "PlanParser is a SectionParser").isTrue();
            JavaClass section = find(pkg, x + "Section").orElse(null);
            assertThat(section).as(pkg + ": " + x + "Section").isNotNull();
            assertThat(section.isAssignableTo(Section.class)).as(x + "Section is a run.Section").isTrue();
            assertThat(find(pkg, x + "Evidence")).as(pkg + ": " + x + "Evidence").isPresent();
            JavaClass report = find(pkg, x + "Report").orElse(null);
            assertThat(report).as(pkg + ": " + x + "Report").isNotNull();
            List<JavaField> renderers = report.getFields().stream()
                    .filter(f -> f.getModifiers().contains(JavaModifier.STATIC)
                            && f.getRawType().isAssignableTo(Renderer.class)).toList();
            assertThat(renderers).as(x + "Report declares its renderers").isNotEmpty();
        });
    }

    @Test
    void theReplacedShapesAreGone() {
        PREFIX.forEach((pkg, x) -> {
            for (String old : List.of(x + "Service", x + "Reports", "Evidence", x + "SectionParser",
                    x + "sParser", x.replaceAll("s$", "") + "Service", x.replaceAll("s$", "") + "Reports")) {
                if (!old.equals(x + "Evidence")) {
                    assertThat(find(pkg, old)).as(pkg + " has no " + old).isEmpty();
                }
            }
        });
    }
}
