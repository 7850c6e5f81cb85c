package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.core.Sizes;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The readiness page's parts, asserted on the DOM of two pages rendered from a ledger the real
 * commands filled ({@link PageFixture}): the GO page right after the sign-off and the final NO-GO
 * page after the dependency review and the cutover. The page is XHTML-compatible, so the JDK's
 * XML parser reads it (a page that is not well-formed fails every test here). Then Chromium renders
 * the final page: its DOM, a 1280 px wide screenshot and a print to PDF into target/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadinessPageTest {
    private PageFixture fx;
    private Path dir;
    private Document go;
    private Document fin;
    private final XPath xp = XPathFactory.newInstance().newXPath();

    @BeforeAll
    void build(@TempDir Path tmp) throws Exception {
        dir = tmp;
        fx = new PageFixture(tmp).build();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/readiness-go.html"), fx.goPage);
        Files.writeString(Path.of("target/readiness-final.html"), fx.finalPage);
        go = parse(fx.goPage);
        fin = parse(fx.finalPage);
    }

    @AfterAll
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    static Document parse(String page) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
    }

    private List<Element> all(Document d, String xpath) throws Exception {
        NodeList ns = (NodeList) xp.evaluate(xpath, d, XPathConstants.NODESET);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < ns.getLength(); i++) {
            out.add((Element) ns.item(i));
        }
        return out;
    }

    private Element one(Document d, String xpath) throws Exception {
        List<Element> es = all(d, xpath);
        assertThat(es).as(xpath).hasSize(1);
        return es.get(0);
    }

    private static String text(Node n) {
        return n.getTextContent().replaceAll("\\s+", " ").strip();
    }

    /**
     * A reason without what changes between two readiness runs: ages, and the entries readiness
     * records itself each time it re-checks (the cutover's readiness, and so the count of failing
     * entries after a sign-off).
     */
    private static String ageless(String s) {
        return s.replaceAll("\\(\\d+[smhd]\\w* ago\\)", "(ago)")
                .replaceAll("cutover-readiness #\\d+ at \\S+", "cutover-readiness #N")
                .replaceAll("\\(and \\d+ more\\)", "(and N more)");
    }

    private List<LedgerEntry> entries(String kind) {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", fx.clock)) {
            return l.query(new LedgerQuery(kind, null, null, 0, false));
        }
    }

    @Test
    void theTopSaysProjectWindowTicketVerdictAndReasonsBeforeAnythingElse() throws Exception {
        assertThat(text(one(go, "//tr[@id='fact-project']/td"))).isEqualTo("academy (owner platform-team)");
        assertThat(text(one(go, "//tr[@id='fact-window']/td")))
                .isEqualTo("2026-11-27T22:00:00Z to 2026-11-28T02:00:00Z UTC (4 h), environment production");
        assertThat(text(one(go, "//tr[@id='fact-ticket']/td"))).isEqualTo("ACAD-1234");
        assertThat(text(one(go, "//tr[@id='fact-runbook']/td"))).isEqualTo("https://wiki.example.com/academy/upgrade/section-1.1");
        assertThat(text(one(go, "//p[@id='verdict']"))).isEqualTo("GO");
        assertThat(one(go, "//p[@id='verdict']").getAttribute("class")).isEqualTo("verdict go");
        assertThat(text(one(go, "//*[@id='reasons']"))).startsWith("Every configured section has fresh passing evidence");

        assertThat(text(one(fin, "//p[@id='verdict']"))).isEqualTo("NO-GO");
        // The same reasons as the JSON verdict a moment earlier (ages aside: time passed in between).
        List<String> reasons = all(fin, "//div[@id='reasons']//li").stream().map(ReadinessPageTest::text)
                .map(ReadinessPageTest::ageless).toList();
        JsonNode verdict = Json.parse(fx.finalJson);
        List<String> expected = new ArrayList<>();
        verdict.path("reasons").forEach(r -> expected.add(ageless(r.asText().replaceAll("\\s+", " ").strip())));
        assertThat(reasons).isEqualTo(expected).anyMatch(r -> r.startsWith("deps: deps academy"))
                .anyMatch(r -> r.startsWith("sign-off: ") && r.contains("Dana Reyes"));
        // The verdict and the facts are in the header, which comes before the contents and every section.
        String page = fx.finalPage;
        assertThat(page.indexOf("id=\"fact-window\"")).isLessThan(page.indexOf("id=\"verdict\""));
        assertThat(page.indexOf("id=\"verdict\"")).isLessThan(page.indexOf("id=\"toc\""));
        assertThat(page.indexOf("id=\"toc\"")).isLessThan(page.indexOf("id=\"sections\""));
    }

    @Test
    void signOffsSayWhetherTheyMatchTheCurrentHead() throws Exception {
        LedgerEntry signed = entries("sign-off").get(0);
        JsonNode p = Json.parse(signed.payload());
        Element row = one(go, "//tr[@class='signoff']");
        List<Element> cells = all(go, "//tr[@class='signoff']/td");
        assertThat(text(cells.get(0))).isEqualTo("Dana Reyes");
        // Markup in a recorded value is text on the page, and nothing of it became an element.
        assertThat(cells.get(1).getTextContent()).isEqualTo(PageFixture.ROLE);
        assertThat(go.getElementsByTagName("b").getLength()).isZero();
        assertThat(text(cells.get(3))).isEqualTo("#" + p.path("ledger_seq").asLong() + " " + p.path("ledger_head").asText());
        // On the GO page only verdicts were recorded after the sign-off: it still holds, and says so.
        assertThat(cells.get(4).getAttribute("class")).isEqualTo("ok status");
        assertThat(text(cells.get(4))).isEqualTo("matches: only verdicts recorded since head #" + p.path("ledger_seq").asLong()
                + ", no new evidence");
        assertThat(text(one(go, "//section[@id='signoffs']//th[5]"))).startsWith("Against this page's head #");
        assertThat(row).isNotNull();

        // The failing dependency review after it voids it: the final page names the entry.
        LedgerEntry deps = entries("deps").get(0);
        Element status = one(fin, "//tr[@class='signoff']/td[5]");
        assertThat(status.getAttribute("class")).isEqualTo("bad status");
        assertThat(text(status)).startsWith("VOID: failing evidence recorded since: #" + deps.seq() + " deps academy failed");
    }

    @Test
    void everyInPageLinkHasATargetAndTheContentsListEverySection() throws Exception {
        for (Document d : List.of(go, fin)) {
            List<Element> links = all(d, "//a[@href]");
            assertThat(links).hasSizeGreaterThan(20);
            for (Element a : links) {
                String href = a.getAttribute("href");
                assertThat(href).as("links stay in the page").startsWith("#");
                assertThat(all(d, "//*[@id='" + href.substring(1) + "']")).as(href).hasSize(1);
            }
            List<String> toc = all(d, "//nav[@id='toc']//a").stream().map(a -> a.getAttribute("href")).toList();
            assertThat(toc).containsExactly("#sections", "#evidence", "#risks", "#gate-details", "#blockers", "#flags",
                    "#cutover", "#trends", "#audit", "#history", "#ledger");
        }
        // No scripts, nothing loaded from anywhere: no src, no CSS url() or @import.
        assertThat(Pattern.compile("(?i)<script|\\bsrc\\s*=|url\\(|@import").matcher(fx.finalPage).find()).isFalse();
    }

    @Test
    void oneRowPerControlWithItsLatestEvidenceAndALinkToItsHistory() throws Exception {
        JsonNode evidence = Json.parse(fx.finalJson).path("evidence");
        List<Element> rows = all(fin, "//section[@id='evidence']//tr[@class='control']");
        assertThat(rows).hasSize(evidence.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode e = evidence.get(i);
            Element row = rows.get(i);
            List<Element> td = all(fin, "//section[@id='evidence']//tr[@class='control'][" + (i + 1) + "]/td");
            assertThat(text(td.get(0))).startsWith(e.path("section").asText() + ": " + e.path("kind").asText() + " "
                    + e.path("subject").asText());
            assertThat(text(td.get(1))).isEqualTo(e.path("state").asText());
            if (e.path("entry").isNull()) {
                assertThat(text(td.get(2))).startsWith("none recorded");
            } else {
                // The entry that spoke in the JSON verdict a moment earlier; readiness re-checks the gates,
                // so for them it is the newest gate check (recorded by the run that rendered the page).
                JsonNode spoke = e.path("entry");
                List<LedgerEntry> same = entries(spoke.path("kind").asText()).stream()
                        .filter(x -> x.subject().equals(spoke.path("subject").asText())).toList();
                // Readiness re-checks the gates and the cutover, so for them it is the newest entry
                // (recorded by the run that rendered the page).
                LedgerEntry newest = List.of("gates", "cutover-readiness").contains(spoke.path("kind").asText())
                        ? same.get(same.size() - 1)
                        : same.stream().filter(x -> x.seq() == spoke.path("seq").asLong()).findFirst().orElseThrow();
                long seq = newest.seq();
                assertThat(text(td.get(2))).startsWith("#" + seq + " " + newest.time() + " " + newest.outcome().label());
                // The entry number links to its row in the history.
                assertThat(all(fin, "//section[@id='evidence']//tr[@class='control'][" + (i + 1) + "]/td[3]/a[@href='#e" + seq
                        + "']")).hasSize(1);
                assertThat(all(fin, "//tr[@id='e" + seq + "']")).hasSize(1);
            }
            String history = one(fin, "//section[@id='evidence']//tr[@class='control'][" + (i + 1) + "]/td[5]/a").getAttribute("href");
            assertThat(history).isIn("#h-" + e.path("kind").asText(), "#ledger");
            assertThat(row.getAttribute("id")).startsWith("c-");
        }
        assertThat(rows.stream().map(ReadinessPageTest::text)).anyMatch(t -> t.startsWith("deps: deps academy") && t.contains("failing"))
                // readiness re-checks the cutover itself: started without a failback drill, it is failing.
                .anyMatch(t -> t.startsWith("cutover: cutover-readiness production") && t.contains("failing")
                        && t.contains("no failback within the bound"));
    }

    @Test
    void gateDetailsNameTheApproverTheNoticeAndWhoIsOnCall() throws Exception {
        assertThat(text(one(go, "//tr[@id='gate-approver']/td")))
                .isEqualTo("change record change-management.md: approved by Dana Reyes (CAB chair), 2026-11-23");
        LedgerEntry notice = entries("notice-sent").get(0);
        assertThat(text(one(go, "//tr[@id='gate-notice']/td"))).startsWith("sent " + notice.time() + " (entry #" + notice.seq())
                .endsWith("required by 2026-11-25T22:00:00Z (48 h before the window)");
        assertThat(one(go, "//tr[@id='gate-notice']/td").getAttribute("class")).isEqualTo("ok");
        List<String> onCall = all(go, "//tr[@id='gate-oncall']//li").stream().map(ReadinessPageTest::text).toList();
        assertThat(onCall).hasSize(2);
        assertThat(onCall.get(0)).startsWith("primary Alice Moreau <alice.moreau@example.com> on call 2026-11-27T18:00:00Z")
                .contains("acknowledged");
        assertThat(onCall.get(1)).startsWith("secondary Bob Okafor");
        List<Element> gates = all(go, "//section[@id='gate-details']//tr[@class='gate']");
        assertThat(gates.stream().map(g -> text(g.getElementsByTagName("td").item(0)) + " "
                + text(g.getElementsByTagName("td").item(1)))).containsExactly("cab passed", "oncall passed", "notice passed");
    }

    @Test
    void dependencyBlockersAreListedWithWhyAndTheFix() throws Exception {
        LedgerEntry deps = entries("deps").get(0);
        int blockers = Json.parse(deps.payload()).path("blockers").asInt();
        assertThat(blockers).isPositive();
        List<Element> rows = all(fin, "//section[@id='blockers']//tr[@class='blocker']");
        assertThat(rows).hasSize(blockers);
        List<String> texts = rows.stream().map(ReadinessPageTest::text).toList();
        assertThat(texts).anyMatch(t -> t.startsWith("composer: spatie/laravel-permission") && t.contains("laravel/framework 11.*"))
                .anyMatch(t -> t.startsWith("npm: ") && t.contains("node 20"));
        assertThat(text(one(go, "//section[@id='blockers']/p"))).startsWith("No dependency review recorded");
    }

    @Test
    void theFlagMatrixHasOneColumnPerEnvironmentAsValidated() throws Exception {
        List<String> head = all(fin, "//section[@id='flags']//table[@class='matrix']//th").stream().map(ReadinessPageTest::text).toList();
        assertThat(head).containsExactly("flag", "example", "staging", "production");
        List<String> webauthn = all(fin, "//section[@id='flags']//tr[td[1]='webauthn']/td").stream().map(ReadinessPageTest::text).toList();
        // Toggled on in staging before the validation; production stays off.
        assertThat(webauthn).containsExactly("webauthn", "off", "on", "off");
        List<String> communities = all(fin, "//section[@id='flags']//tr[td[1]='communities']/td").stream()
                .map(ReadinessPageTest::text).toList();
        assertThat(communities).containsExactly("communities", "off", "on", "off");
    }

    @Test
    void theCutoverTimelineShowsEveryStepWithItsDuration() throws Exception {
        assertThat(text(one(fin, "//section[@id='cutover']/h3"))).startsWith("production: switched");
        List<Element> steps = all(fin, "//section[@id='cutover']//tr[@class='step']");
        List<String> names = steps.stream().map(s -> text(s.getElementsByTagName("td").item(0))).toList();
        assertThat(names).containsExactly("prepare", "expand", "promote", "switch");
        List<String> completed = new ArrayList<>();
        for (LedgerEntry e : entries("cutover-step")) {
            JsonNode p = Json.parse(e.payload());
            if (p.path("phase").asText().equals("completed")) {
                completed.add(Durations.spoken(Duration.ofMillis(p.path("elapsed_ms").asLong())));
            }
        }
        assertThat(steps.stream().map(s -> text(s.getElementsByTagName("td").item(3)))).containsExactlyElementsOf(completed);
        Element svg = one(fin, "//section[@id='cutover']//*[local-name()='svg']");
        assertThat(svg.getAttribute("class")).isEqualTo("chart timeline");
        List<Element> bars = all(fin, "//section[@id='cutover']//*[local-name()='g'][@class='step']");
        assertThat(bars).hasSize(4);
        assertThat(text(bars.get(3).getElementsByTagName("title").item(0))).isEqualTo("switch: passed, " + completed.get(3));
        assertThat(text(one(go, "//section[@id='cutover']/p"))).startsWith("No cutover started");
    }

    @Test
    void chartsShowBackupSizesAndRestoreTimesOfTheLastRuns() throws Exception {
        List<LedgerEntry> backups = entries("backup");
        List<Element> bars = all(fin, "//figure[@class='backup-size']//*[local-name()='g']");
        assertThat(bars).hasSize(backups.size()).hasSize(3);
        List<Integer> heights = new ArrayList<>();
        for (int i = 0; i < bars.size(); i++) {
            long size = Json.parse(backups.get(i).payload()).path("size").asLong();
            Element rect = (Element) bars.get(i).getElementsByTagName("rect").item(0);
            heights.add(Integer.parseInt(rect.getAttribute("height")));
            assertThat(text(bars.get(i).getElementsByTagName("title").item(0)))
                    .isEqualTo("#" + backups.get(i).seq() + " " + backups.get(i).time() + ": " + Sizes.label(size));
            assertThat(rect.getAttribute("class") + rect.getAttribute("fill")).isEqualTo("#2e7d32");
        }
        // The table grew between the backups, and so do the bars (the y axis starts at zero).
        assertThat(heights).isSorted().doesNotHaveDuplicates();
        assertThat(heights.get(2)).isEqualTo(120);

        List<LedgerEntry> restores = entries("restore-test");
        List<Element> rbars = all(fin, "//figure[@class='restore-time']//*[local-name()='g']");
        assertThat(rbars).hasSize(restores.size()).hasSize(2);
        for (int i = 0; i < rbars.size(); i++) {
            long ms = Json.parse(restores.get(i).payload()).path("restore_ms").asLong();
            assertThat(text(rbars.get(i).getElementsByTagName("title").item(0))).endsWith(": " + Durations.spoken(Duration.ofMillis(ms)));
        }
        assertThat(text(one(fin, "//figure[@class='backup-size']/figcaption"))).isEqualTo("Backup size of academy-db, last 3 run(s)");
    }

    @Test
    void theHistoryHasEveryKindAndThePrintStylesheetIsThere() throws Exception {
        for (EvidenceDigest.Group g : EvidenceDigest.GROUPS) {
            Element s = one(fin, "//section[@id='h-" + g.kind() + "']");
            List<LedgerEntry> es = entries(g.kind());
            int rows = all(fin, "//section[@id='h-" + g.kind() + "']//tbody/tr").size();
            assertThat(rows).as(g.kind()).isEqualTo(Math.min(es.size(), g.limit()));
            assertThat(s.getAttribute("class")).isEqualTo("history");
        }
        // Backup rows carry the copies' checksums, as the files on disk have them.
        for (LedgerEntry b : entries("backup")) {
            for (var a : b.artifacts()) {
                assertThat(fx.finalPage).contains(a.sha256());
            }
        }
        String css = text(one(fin, "//style"));
        assertThat(css).contains("@media print{", "@page{size:A4", "print-color-adjust:exact", "break-inside:avoid");
        assertThat(text(one(fin, "//section[@id='ledger']/p[1]"))).startsWith("Chain: intact");
    }

    /** The chromium binary on PATH, or null. */
    private static Path chromium() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String n : new String[] {"chromium", "chromium-browser"}) {
                Path p = Path.of(d.isEmpty() ? "." : d, n);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private ProcessResult chromium(Path bin, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile")));
        argv.addAll(Arrays.asList(args));
        return new LocalProcessRunner(Secrets.none()).run(ProcessSpec.of(argv.toArray(String[]::new))
                .withTimeout(Duration.ofSeconds(120)));
    }

    @Test
    void chromiumRendersThePageAt1280PixelsAndPrintsIt() throws Exception {
        Path bin = chromium();
        Assumptions.assumeTrue(bin != null, "chromium is not installed (scripts/services installs it)");
        Path html = Path.of("target/readiness-final.html").toAbsolutePath();
        ProcessResult dom = chromium(bin, "--dump-dom", html.toUri().toString());
        assertThat(dom.exitCode()).as(dom.stderr()).isZero();
        for (String id : new String[] {"summary", "toc", "sections", "evidence", "signoffs", "risks", "gate-details", "blockers",
            "flags", "cutover", "trends", "audit", "history", "ledger"}) {
            assertThat(dom.stdout()).as(id).contains("id=\"" + id + "\"");
        }
        // Chromium parsed the inline SVG as SVG (its DOM keeps the charts' bars).
        assertThat(dom.stdout()).contains("<svg class=\"chart\"", "<svg class=\"chart timeline\"", "<rect ");

        Path png = Path.of("target/readiness-final-1280.png").toAbsolutePath();
        Files.deleteIfExists(png);
        ProcessResult shot = chromium(bin, "--hide-scrollbars", "--window-size=1280,2400", "--screenshot=" + png,
                html.toUri().toString());
        assertThat(shot.exitCode()).as(shot.stderr()).isZero();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(2400);

        Path goPng = Path.of("target/readiness-go-1280.png").toAbsolutePath();
        ProcessResult goShot = chromium(bin, "--hide-scrollbars", "--window-size=1280,1400", "--screenshot=" + goPng,
                Path.of("target/readiness-go.html").toAbsolutePath().toUri().toString());
        assertThat(goShot.exitCode()).as(goShot.stderr()).isZero();

        Path pdf = Path.of("target/readiness-final.pdf").toAbsolutePath();
        Files.deleteIfExists(pdf);
        ProcessResult print = chromium(bin, "--no-pdf-header-footer", "--print-to-pdf=" + pdf, html.toUri().toString());
        assertThat(print.exitCode()).as(print.stderr()).isZero();
        byte[] head = Arrays.copyOf(Files.readAllBytes(pdf), 5);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }
}
