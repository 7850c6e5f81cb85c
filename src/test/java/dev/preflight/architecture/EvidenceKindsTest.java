package dev.preflight.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.preflight.ledger.EvidenceKind;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Ledger kinds are spelled once, in {@link EvidenceKind}: each capability's {@code XEvidence} names
 * only its own kinds from there, and no ledger call anywhere passes a kind as a string literal.
 */
class EvidenceKindsTest {
    private static final Set<String> OWNERS = Set.of("audit", "backup", "restore", "deps", "flags", "cutover",
            "gates", "risk", "readiness", "ledger", "cli");

    @Test
    void everyKindHasOneNameAKnownOwnerAndATitle() {
        List<String> ids = Arrays.stream(EvidenceKind.values()).map(EvidenceKind::id).toList();
        assertThat(ids).doesNotHaveDuplicates().allMatch(i -> i.matches("[a-z]+(-[a-z]+)*"));
        for (EvidenceKind k : EvidenceKind.values()) {
            assertThat(OWNERS).as(k + " owner").contains(k.owner());
            assertThat(k.title()).as(k + " title").isNotBlank();
            assertThat(EvidenceKind.of(k.id())).contains(k);
        }
        assertThat(EvidenceKind.of("no-such-kind")).isEmpty();
    }

    @Test
    void aCapabilitysEvidenceNamesOnlyItsOwnKinds() throws Exception {
        List<JavaClass> evidence = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.preflight").stream().filter(c -> c.getSimpleName().endsWith("Evidence")
                        && !c.getSimpleName().equals("CabEvidence")).toList();
        assertThat(evidence).extracting(JavaClass::getSimpleName).contains("AuditEvidence", "BackupEvidence",
                "RestoreEvidence", "DepsEvidence", "FlagsEvidence", "CutoverEvidence", "GatesEvidence", "RiskEvidence");
        int named = 0;
        for (JavaClass c : evidence) {
            String pkg = c.getPackageName().substring("dev.preflight.".length());
            for (JavaField f : c.getFields()) {
                if (!f.getModifiers().containsAll(Set.of(JavaModifier.PUBLIC, JavaModifier.STATIC, JavaModifier.FINAL))
                        || !f.getRawType().isEquivalentTo(String.class)) {
                    continue;
                }
                Field field = Class.forName(c.getName()).getDeclaredField(f.getName());
                assertThat(Modifier.isStatic(field.getModifiers())).isTrue();
                String value = (String) field.get(null);
                var kind = EvidenceKind.of(value);
                if (kind.isPresent()) {
                    named++;
                    assertThat(kind.get().owner()).as(c.getSimpleName() + "." + f.getName() + " = " + value)
                            .isEqualTo(pkg);
                }
            }
        }
        // backup 3, restore 1, deps 1, flags 2, cutover 3, gates 4, risk 1, audit 1
        assertThat(named).isGreaterThanOrEqualTo(16);
    }

    @Test
    void noLedgerCallSpellsAKind() throws IOException {
        String kinds = Arrays.stream(EvidenceKind.values()).map(k -> Pattern.quote(k.id())).collect(Collectors.joining("|"));
        // A kind passed to the ledger, compared with an entry's kind, or used to pick a history group.
        Pattern use = Pattern.compile("(NewEntry\\.of|new LedgerQuery|\\.latest|\\.query|newestPerSubject|series"
                + "|getOrDefault|kind\\(\\)\\.equals|new Source|new Reason\\(\"[a-z]+\",)\\(?\\s*\"(" + kinds + ")\"");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (p.endsWith(Path.of("ledger/EvidenceKind.java"))) {
                    continue;
                }
                Matcher m = use.matcher(Files.readString(p));
                while (m.find()) {
                    found.add(p.getFileName() + ": " + m.group());
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
