package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.audit.AuditEngineTest.RecordedHosts;
import dev.preflight.exec.HostUri;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.testing.Golden;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins every audit renderer: one report with a passing host, a drifted host (missing tool, wrong
 * version, wrong flavor, unreadable output), a waived failure, an expired waiver and an
 * unreachable host, each format in its golden file.
 */
class AuditGoldenTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-11-24");

    private static Host host(String name) {
        return new Host("production", name, HostUri.parse("ssh://deploy@" + name + ":22"));
    }

    private static Requirement req(String tool, String constraint, String flavor) {
        return new Requirement(null, Tool.byId(tool).orElseThrow(), Constraint.parse(constraint), flavor, List.of());
    }

    static Report report() throws InterruptedException {
        RecordedHosts fleet = new RecordedHosts(Map.of(
                "good", Map.of("php", "PHP Warning:  Module \"curl\" is already loaded in Unknown on line 0\n8.3.6",
                        "node", "v20.11.1",
                        "mysql", "mysql  Ver 8.0.36-0ubuntu0.22.04.1 for Linux on x86_64 ((Ubuntu))",
                        "redis-server", "Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=a2"),
                "drifted", Map.of("node", "v18.20.4",
                        "mysql", "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper",
                        "redis-server", "garbage"),
                "worker-1", Map.of("php", "8.3.6", "node", "v18.19.0",
                        "mysql", "mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)",
                        "redis-server", "Redis server v=6.2.14 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=a2")));
        List<Requirement> reqs = List.of(req("php", "8.3", null), req("node", "20", null),
                req("mysql", ">=8.0.36 <8.1", "mysql"), req("redis-server", "7", null));
        Report raw = new AuditEngine(fleet, new Prober(Duration.ofSeconds(5)), 4)
                .audit(List.of(host("good"), host("drifted"), host("worker-1"), host("down")), reqs);
        return Waiver.apply(raw, List.of(
                new Waiver("node", List.of("worker-*"), "Horizon workers move in ACAD-77", "web-team",
                        LocalDate.parse("2027-01-31")),
                new Waiver("redis-server", List.of("worker-1"), "cache tier upgraded later", "ops",
                        LocalDate.parse("2026-11-01"))), TODAY);
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"TEXT", "JSON", "JUNIT", "MARKDOWN"})
    void everyFormatIsPinned(Format f) throws Exception {
        Golden.exact().measured().check("audit/report" + Golden.ext(f), AuditReport.REPORT.render(report(), f, Style.PLAIN));
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"TEXT"})
    void colourIsPinned(Format f) throws Exception {
        Golden.exact().check("audit/report.color.txt", AuditReport.REPORT.render(report(), f, new Style(true)));
    }
}
