package dev.preflight.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md as ArchUnit rules. Violations that existed when a rule was
 * written are frozen (src/test/resources/archunit-store) and can only go away; a new one fails.
 */
class LayersTest {
    private static final String ROOT = "dev.preflight.";
    private static final List<String> CAPABILITIES =
            List.of("audit", "backup", "restore", "deps", "flags", "cutover", "gates", "risk");
    private static JavaClasses classes;

    @BeforeAll
    static void importMain() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.preflight");
    }

    private static String pkg(String name) {
        return ROOT + name + "..";
    }

    private static String[] pkgs(List<String> names) {
        return names.stream().map(LayersTest::pkg).toArray(String[]::new);
    }

    @Test
    void nothingUsesTheCli() {
        noClasses().that().resideOutsideOfPackage(pkg("cli")).should().dependOnClassesThat()
                .resideInAPackage(pkg("cli")).check(classes);
    }

    @Test
    void coreUsesNothingOfOurs() {
        noClasses().that().resideInAPackage(pkg("core")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs(List.of("cli", "run", "plan", "ledger", "exec", "report", "audit", "backup",
                        "restore", "deps", "flags", "cutover", "gates", "risk"))).check(classes);
    }

    @Test
    void sharedServicesUseNoCapability() {
        ArchRule rule = noClasses().that().resideInAnyPackage(pkgs(List.of("plan", "ledger", "exec", "report")))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs(CAPABILITIES));
        FreezingArchRule.freeze(rule).check(classes);
    }

    @Test
    void sharedServicesStayInTheirLane() {
        // plan, ledger and exec stand on core alone; report may read the ledger it renders.
        FreezingArchRule.freeze(noClasses().that().resideInAnyPackage(pkgs(List.of("plan", "ledger", "exec")))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs(List.of("run", "report")))).check(classes);
        noClasses().that().resideInAPackage(pkg("ledger")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs(List.of("plan", "exec"))).check(classes);
        noClasses().that().resideInAPackage(pkg("exec")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs(List.of("plan", "ledger"))).check(classes);
    }

    @Test
    void capabilitiesUseOnlyTheAllowedOthers() {
        for (String cap : CAPABILITIES) {
            List<String> allowed = switch (cap) {
                case "restore", "gates" -> List.of("backup");
                case "deps" -> List.of("audit");
                case "risk" -> List.of("backup", "restore", "cutover", "gates");
                default -> List.of();
            };
            List<String> forbidden = CAPABILITIES.stream().filter(c -> !c.equals(cap) && !allowed.contains(c)).toList();
            if (forbidden.isEmpty()) {
                continue;
            }
            ArchRule rule = noClasses().that().resideInAPackage(pkg(cap)).should().dependOnClassesThat()
                    .resideInAnyPackage(pkgs(forbidden)).as("capability " + cap + " uses only " + allowed);
            FreezingArchRule.freeze(rule).check(classes);
        }
    }

    /**
     * Packages that today depend on each other in a cycle (docs/architecture.md). The list may only
     * shrink: a package joining a cycle fails, and so does one listed here that left it (take it off).
     * Frozen ArchUnit cycle rules cannot hold this: any change of the graph renames the cycles.
     */
    private static final Set<String> KNOWN_CYCLE = Set.of();

    @Test
    void noPackageJoinsACycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (JavaClass c : classes) {
            String from = top(c.getPackageName());
            if (from == null) {
                continue;
            }
            graph.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = top(d.getTargetClass().getPackageName());
                if (to != null && !to.equals(from)) {
                    graph.get(from).add(to);
                }
            }
        }
        Set<String> cyclic = new TreeSet<>();
        for (String p : graph.keySet()) {
            if (reaches(graph, p, p)) {
                cyclic.add(p);
            }
        }
        assertThat(cyclic).as("packages in a dependency cycle").isEqualTo(new TreeSet<>(KNOWN_CYCLE));
    }

    private static String top(String pkg) {
        if (!pkg.startsWith(ROOT)) {
            return null;
        }
        String rest = pkg.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target) {
        Deque<String> todo = new ArrayDeque<>(graph.getOrDefault(from, Set.of()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (n.equals(target)) {
                return true;
            }
            if (seen.add(n)) {
                todo.addAll(graph.getOrDefault(n, Set.of()));
            }
        }
        return false;
    }
}
