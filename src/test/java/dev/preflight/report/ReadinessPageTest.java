package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The readiness page's parts, read from the DOM of pages rendered from a ledger the real commands filled. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadinessPageTest {
    PageFixture fx;
    Document go;
    Document fin;

    @BeforeAll
    void build(@TempDir Path dir) throws Exception {
        fx = new PageFixture(dir).build();
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

    @Test
    void pagesAreWellFormed() {
        assertThat(go.getDocumentElement().getTagName()).isEqualTo("html");
        assertThat(fin.getDocumentElement().getTagName()).isEqualTo("html");
    }
}
