package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.testing.CliRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * {@code audit --format junit} against the Apache Ant JUnit schema (src/test/resources/junit): the
 * suite's time, timestamp, hostname and properties, a time per probe, failure types, and the raw
 * probe output in the suite's {@code <system-out>}.
 */
class AuditJunitTest {
    @TempDir
    Path dir;

    static Schema schema() throws SAXException {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f.newSchema(AuditJunitTest.class.getResource("/junit/ant-junit.xsd"));
    }

    static void validate(String xml) throws Exception {
        schema().newValidator().validate(new StreamSource(new StringReader(xml)));
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The recorded fleet of AuditEngineTest, each probe answering after {@code delay}. */
    private static HostConnector slow(HostConnector fleet, Duration delay) {
        return uri -> {
            ProcessRunner r = fleet.connect(uri);
            return new ProcessRunner() {
                @Override
                public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
                    Thread.sleep(delay.toMillis());
                    return r.run(spec);
                }

                @Override
                public ProcessResult stream(ProcessSpec spec, OutputStream sink) throws IOException, InterruptedException {
                    Thread.sleep(delay.toMillis());
                    return r.stream(spec, sink);
                }

                @Override
                public String target() {
                    return r.target();
                }
            };
        };
    }

    private static Requirement req(String tool, String constraint, String flavor) {
        return new Requirement(null, Tool.byId(tool).orElseThrow(), Constraint.parse(constraint), flavor, List.of());
    }

    private static Host host(String name) {
        return new Host("production", name, HostUri.parse("ssh://deploy@" + name + ".example.net:22"), List.of("app"), null);
    }

    @Test
    void aFleetWithFailuresErrorsAndAnUnreachableHostIsValidAndCarriesTimesTypesAndOutput() throws Exception {
        var fleet = new AuditEngineTest.RecordedHosts(Map.of(
                "good.example.net", Map.of("php", "PHP Warning:  Module \"curl\" is already loaded in Unknown on line 0\n8.3.6",
                        "node", "v20.11.1"),
                "drifted.example.net", Map.of("node", "v18.20.4",
                        "mysql", "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper",
                        "redis-server", "garbage \u001b[0m<&>\uD800")));
        List<Requirement> reqs = List.of(req("php", "8.3", null), req("node", "20", null),
                req("mysql", ">=8.0.36 <8.1", "mysql"), req("redis-server", "7", null));
        Report r = new AuditEngine(slow(fleet, Duration.ofMillis(120)), new Prober(Duration.ofSeconds(5)), 3)
                .audit(List.of(host("good"), host("drifted"), host("down")), reqs);
        String xml = AuditReport.REPORT.render(r, Format.JUNIT, Style.PLAIN);
        validate(xml);

        Document doc = parse(xml);
        assertThat(doc.getDocumentElement().getAttributes().getLength()).isZero();
        NodeList suites = doc.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(3);
        Element good = (Element) suites.item(0);
        assertThat(good.getAttribute("name")).isEqualTo("production/good");
        assertThat(good.getAttribute("id")).isEqualTo("0");
        assertThat(good.getAttribute("package")).isEqualTo("preflight.audit.production");
        assertThat(good.getAttribute("hostname")).isEqualTo("good.example.net");
        // Taken when the audit ran (UTC, to the second), not when the report was rendered.
        LocalDateTime ts = LocalDateTime.parse(good.getAttribute("timestamp"));
        assertThat(Duration.between(ts.toInstant(ZoneOffset.UTC), r.hosts().get(0).timing().started()).abs())
                .isLessThan(Duration.ofSeconds(1));
        assertThat(new BigDecimal(good.getAttribute("time"))).isGreaterThanOrEqualTo(new BigDecimal("0.120"));
        NodeList cases = good.getElementsByTagName("testcase");
        // Each probe waited 120 ms. A remote host's probes run as one batch, one after another:
        // the suite's time covers them all, each case carries its own probe's time, and the suite
        // says how those were measured.
        assertThat(new BigDecimal(good.getAttribute("time")))
                .isBetween(new BigDecimal("0.120").multiply(BigDecimal.valueOf(cases.getLength())), new BigDecimal("10.000"));
        for (int i = 0; i < cases.getLength(); i++) {
            assertThat(new BigDecimal(((Element) cases.item(i)).getAttribute("time")))
                    .isBetween(new BigDecimal("0.120"), new BigDecimal(good.getAttribute("time")));
        }
        assertThat(property(good, "probe_times")).startsWith("measured here, per probe");
        assertThat(property(good, "environment")).isEqualTo("production");
        assertThat(property(good, "uri")).isEqualTo("ssh://deploy@good.example.net:22");
        assertThat(property(good, "tags")).isEqualTo("app");
        String out = good.getElementsByTagName("system-out").item(0).getTextContent();
        assertThat(out).contains("== php 8.3 (", "PHP Warning:  Module \"curl\" is already loaded", "8.3.6",
                "read by rule:", "== node 20 (");

        Element drifted = (Element) suites.item(1);
        assertThat(drifted.getAttribute("failures")).isEqualTo("3");
        assertThat(drifted.getAttribute("errors")).isEqualTo("1");
        assertThat(types(drifted, "failure")).containsExactly("NotInstalled", "VersionMismatch", "FlavorMismatch");
        assertThat(types(drifted, "error")).containsExactly("UnreadableVersion");
        Element flavor = (Element) drifted.getElementsByTagName("failure").item(2);
        assertThat(flavor.getAttribute("message")).isEqualTo("flavor is mariadb, requires mysql");
        assertThat(flavor.getTextContent()).contains("found: 10.11.6", "required: >=8.0.36 <8.1 (mysql)");
        String dout = drifted.getElementsByTagName("system-out").item(0).getTextContent();
        // Raw output kept, escape and unpaired surrogate replaced so the document stays XML.
        assertThat(dout).contains("v18.20.4", "garbage  [0m<&>\uFFFD", "command not found");

        Element down = (Element) suites.item(2);
        assertThat(down.getAttribute("errors")).isEqualTo("1");
        assertThat(types(down, "error")).containsExactly("Unreachable");
        assertThat(down.getElementsByTagName("system-out").item(0).getTextContent()).contains("connection refused");
    }

    @Test
    void theSchemaRejectsWhatTheOldReportLacked() {
        // The report before issue 19: a named <testsuites>, no time, timestamp or hostname, no type.
        String old = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuites name="preflight-audit">
                  <testsuite name="production/good" tests="1" failures="1" errors="0">
                    <testcase classname="production/good" name="node 20">
                      <failure message="version 18 does not satisfy 20"/>
                    </testcase>
                  </testsuite>
                </testsuites>
                """;
        assertThatThrownBy(() -> validate(old)).isInstanceOf(SAXException.class);
    }

    @Test
    void aRealLocalAuditThroughTheCliIsValid() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                requirements:
                  - {tool: java, version: ">=17"}
                  - {tool: git, version: ">=99"}
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                """);
        CliRun run = CliRun.of(dir, Map.of(), CliRun.CLOCK, "audit", "--format", "junit");
        assertThat(run.code()).as(run.all()).isEqualTo(1);
        validate(run.out());
        Element suite = (Element) parse(run.out()).getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("hostname")).isNotBlank();
        assertThat(types(suite, "failure")).containsExactly("VersionMismatch");
        assertThat(suite.getElementsByTagName("system-out").item(0).getTextContent())
                .contains("== java >=17", "== git >=99", "git version");
    }

    private static String property(Element suite, String name) {
        NodeList ps = suite.getElementsByTagName("property");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            if (p.getAttribute("name").equals(name)) {
                return p.getAttribute("value");
            }
        }
        return null;
    }

    private static List<String> types(Element suite, String tag) {
        NodeList ns = suite.getElementsByTagName(tag);
        return IntStream.range(0, ns.getLength()).mapToObj(i -> ((Element) ns.item(i)).getAttribute("type"))
                .toList();
    }
}
