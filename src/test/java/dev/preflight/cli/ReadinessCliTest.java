package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code preflight risks} and {@code preflight readiness} from real evidence, in every format. */
class ReadinessCliTest {
    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), CliRun.CLOCK, args);
    }

    @BeforeEach
    void plan() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/academy/runbook"}
                environments:
                  - name: staging
                    hosts: [{name: bastion, uri: local}]
                requirements:
                  - {tool: java, version: ">=17"}
                  - {tool: flutter, version: "3.22"}
                risks:
                  - name: version-drift
                    title: Version drift between environments
                    mitigation: CI compatibility audit + weekly Ops review
                    controls: [{evidence: audit, environment: staging, max_age: 7d}]
                  - name: drift-anywhere
                    title: Drift anywhere
                    mitigation: Every audited environment checked daily
                    controls: [{evidence: audit, max_age: 24h}]
                """);
    }

    /**
     * One failing entry was listed as two or three reasons (its section's, then each risk it leaves
     * open) with nothing saying they are the same failure, so a reviewer counted three problems where
     * there was one (or, fixing one, thought two remained). Every reason is still listed; a risk reason
     * about an entry already given says so, in every format.
     */
    @Test
    void aRiskReasonAboutAnEntryAlreadyGivenSaysItIsTheSameEntry() throws Exception {
        assertThat(run("audit").code()).isEqualTo(1);
        CliRun text = run("readiness");
        assertThat(text.code()).isEqualTo(1);
        String reasons = text.out().substring(text.out().indexOf("Reasons for NO-GO"));
        assertThat(reasons).contains("  - audit: audit staging: latest evidence audit #1 at ",
                "  - risks: version-drift Open: audit (staging) within 7d: latest evidence failed #1",
                "  - risks: drift-anywhere Open: audit (staging) within 24h: latest evidence failed #1");
        assertThat(reasons.lines().filter(l -> l.startsWith("  - risks: ")))
                .hasSize(2).allSatisfy(l -> assertThat(l).endsWith("(the same entry #1 as the audit reason above)"));
        assertThat(reasons.lines().filter(l -> l.startsWith("  - audit: ")))
                .singleElement().satisfies(l -> assertThat(l).doesNotContain("same entry"));
        JsonNode j = Json.parse(run("readiness", "--format", "json").out());
        assertThat(j.path("reasons")).hasSize(3);
        assertThat(j.path("reason_details").get(1).path("reason").asText())
                .endsWith("(the same entry #1 as the audit reason above)");
        assertThat(j.path("reason_details").get(1).path("entry").asLong()).isEqualTo(1);
        assertThat(run("readiness", "--format", "markdown").out())
                .contains("(the same entry #1 as the audit reason above)");
    }

    @Test
    void risksAreDerivedAndReadinessSaysWhyItIsNoGo() throws Exception {
        // No ledger yet: risks never creates one (issue 14). An empty one, as a first command leaves it:
        assertThat(run("risks").code()).isEqualTo(3);
        Ledgers.open(null, dir, Secrets.none(), "t@h", CliRun.CLOCK).close();
        CliRun before = run("risks");
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.out()).contains("Version drift between environments  Open",
                "audit (staging) within 7d: no evidence recorded (run preflight audit)",
                "2 risk(s): 0 mitigated, 0 at risk, 2 open");
        // A real audit that fails (flutter is not installed here) is evidence too: failing evidence.
        assertThat(run("audit").code()).isEqualTo(1);
        CliRun json = run("risks", "--format", "json");
        JsonNode risks = Json.parse(json.out());
        assertThat(risks.get(0).path("status").asText()).isEqualTo("Open");
        assertThat(risks.get(0).path("controls").get(0).path("state").asText()).isEqualTo("failing");

        CliRun text = run("readiness");
        assertThat(text.code()).isEqualTo(1);
        // The failed audit itself is a reason (kind, subject, entry), not only the risk it leaves open.
        assertThat(text.out()).contains("Readiness of academy: NO-GO",
                "  - audit: audit staging: latest evidence audit #2 at ", "failed: 1 host(s), 1 failure(s)",
                "  - risks: version-drift Open: audit (staging) within 7d: latest evidence failed #2",
                "  - risks: drift-anywhere Open: audit (staging) within 24h: latest evidence failed #2")
                .doesNotContain("readiness requires it");
        CliRun md = run("readiness", "--format", "markdown");
        assertThat(md.out()).contains("**Verdict: NO-GO**", "## Evidence judged", "| audit | audit | staging | failing | #2 |",
                "## Risk register", "| Drift anywhere |");

        CliRun sign = run("readiness", "sign", "--by", "Jane Doe", "--role", "EPM");
        assertThat(sign.code()).isEqualTo(1);
        assertThat(sign.out()).contains("Sign-off NOT recorded: the verdict is NO-GO.");
        assertThat(run("ledger", "log", "--kind", "sign-off").out()).doesNotContain("Jane Doe");
        assertThat(run("ledger", "log", "--kind", "readiness").out()).contains("readiness");
    }

    @Test
    void htmlReportIsSelfContainedAndRendersInChromium() throws Exception {
        run("audit");
        CliRun html = run("readiness", "--format", "html", "-o", "readiness.html");
        assertThat(html.code()).isEqualTo(1);
        String page = Files.readString(dir.resolve("readiness.html"));
        // No external fetch of any kind: no src attributes, links only within the page, no CSS url() or @import.
        assertThat(Pattern.compile("(?i)\\bsrc\\s*=|\\bhref\\s*=\\s*\"(?!#)|url\\(|@import|<script").matcher(page).find()).isFalse();
        ProcessResult dom = new LocalProcessRunner(Secrets.none()).run(ProcessSpec.of("chromium", "--headless",
                "--no-sandbox", "--disable-gpu", "--dump-dom", dir.resolve("readiness.html").toUri().toString())
                .withTimeout(Duration.ofSeconds(90)));
        assertThat(dom.exitCode()).as(dom.stderr()).isZero();
        String d = dom.stdout();
        assertThat(d).contains("<p id=\"verdict\" class=\"verdict nogo\">NO-GO</p>");
        for (String id : new String[] {"sections", "evidence", "signoffs", "risks", "gate-details", "blockers", "flags", "cutover",
            "trends", "audit", "history", "ledger"}) {
            assertThat(d).as(id).contains("<section id=\"" + id + "\">");
        }
        for (String kind : new String[] {"audit", "backup", "backup-verify", "restore-test", "deps", "flags-validate", "flag-toggle",
            "cutover-step", "gates", "sign-off"}) {
            assertThat(d).as(kind).contains("<section class=\"history\" id=\"h-" + kind + "\">");
        }
        assertThat(d).contains("<div id=\"reasons\" class=\"reasons\">");
        assertThat(d).contains("staging/bastion", "passed 17", "failed", "Version drift between environments", "Head hash");
        // The verdict comes first.
        assertThat(d.indexOf("id=\"verdict\"")).isLessThan(d.indexOf("id=\"sections\""));
    }
}
