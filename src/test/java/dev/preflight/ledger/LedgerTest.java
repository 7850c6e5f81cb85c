package dev.preflight.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ledger on both stores, against real SQLite files and the real PostgreSQL server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerTest {
    private static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    private final List<String> pgDatabases = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @BeforeAll
    void pgAvailable() throws Exception {
        try (Connection c = DriverManager.getConnection(PG_ADMIN)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @AfterAll
    void dropPg() throws Exception {
        try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement st = c.createStatement()) {
            for (String db : pgDatabases) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    private String url(String store) throws Exception {
        if (store.equals("sqlite")) {
            return "sqlite:" + dir.resolve("ledger-" + UUID.randomUUID() + ".db");
        }
        String db = "preflight_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        pgDatabases.add(db);
        return "jdbc:postgresql://127.0.0.1:5432/" + db + "?user=postgres";
    }

    private static String jdbc(String url) {
        return url.startsWith("sqlite:") ? "jdbc:" + url : url;
    }

    private Ledger open(String url, Secrets s) {
        return Ledgers.open(url, dir, s, "tester@host", clock);
    }

    private void fill(Ledger l, int n) {
        for (int i = 1; i <= n; i++) {
            l.append(NewEntry.of("audit", "env-" + i, Outcome.PASSED, "entry " + i, Map.of("n", i)));
        }
    }

    /** Runs SQL as someone with write access to the store would: the append-only triggers dropped first. */
    private void sql(String url, String statement) throws Exception {
        dropTriggers(url);
        try (Connection c = DriverManager.getConnection(jdbc(url)); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    static void dropTriggers(String jdbcUrl) throws Exception {
        String url = jdbcUrl.startsWith("sqlite:") ? "jdbc:" + jdbcUrl : jdbcUrl;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            List<String> drops = new ArrayList<>();
            String q = url.startsWith("jdbc:sqlite:") ? "SELECT name, '' FROM sqlite_master WHERE type = 'trigger'"
                    : "SELECT tgname, ' ON ' || tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal";
            try (var rs = st.executeQuery(q)) {
                while (rs.next()) {
                    drops.add("DROP TRIGGER " + rs.getString(1) + rs.getString(2));
                }
            }
            for (String d : drops) {
                st.execute(d);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void appendsChainAndReads(String store) throws Exception {
        String url = url(store);
        try (Ledger l = open(url, Secrets.none())) {
            LedgerEntry a = l.append(NewEntry.of("backup", "academy-db", Outcome.PASSED, "ok", Map.of("k", 1))
                    .withArtifacts(List.of(new Artifact("/backups/a.sql", 10, "ab".repeat(32))))
                    .withAttachments(List.of(new NewEntry.Attachment("report-1.json", "application/json", "{}".getBytes()))));
            LedgerEntry b = l.append(NewEntry.of("audit", "staging", Outcome.FAILED, "node 18", Map.of()));
            assertThat(a.seq()).isEqualTo(1);
            assertThat(a.prevHash()).isEqualTo(EntryHasher.GENESIS);
            assertThat(b.prevHash()).isEqualTo(a.hash());
            assertThat(a.artifacts()).hasSize(2);
            assertThat(l.latest("audit", null)).get().extracting(LedgerEntry::seq).isEqualTo(2L);
            assertThat(l.query(LedgerQuery.kind("backup"))).singleElement().isEqualTo(a);
            assertThat(l.verify()).isEqualTo(new VerifyResult.Intact(2, b.hash()));
            assertThat(new String(l.openAttachment("report-1.json").orElseThrow().readAllBytes())).isEqualTo("{}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void secretsAreMaskedBeforeStoring(String store) throws Exception {
        String url = url(store);
        try (Ledger l = open(url, Secrets.of(List.of("hunter2-secret")))) {
            l.append(NewEntry.of("x", "db hunter2-secret", Outcome.PASSED, "pw=hunter2-secret", Map.of("p", "hunter2-secret")));
        }
        StringBuilder all = new StringBuilder();
        try (Connection c = DriverManager.getConnection(jdbc(url)); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT subject, summary, payload FROM ledger_entries")) {
            while (rs.next()) {
                all.append(rs.getString(1)).append(rs.getString(2)).append(rs.getString(3));
            }
        }
        assertThat(all.toString()).contains("****").doesNotContain("hunter2-secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void tamperingIsDetectedAtTheRightEntry(String store) throws Exception {
        // edit
        String url = url(store);
        try (Ledger l = open(url, Secrets.none())) {
            fill(l, 10);
        }
        sql(url, "UPDATE ledger_entries SET summary = 'all good' WHERE seq = 4");
        assertBroken(url, 4, "edited");
        // delete
        url = url(store);
        try (Ledger l = open(url, Secrets.none())) {
            fill(l, 10);
        }
        sql(url, "DELETE FROM ledger_entries WHERE seq = 6");
        assertBroken(url, 6, "deleted");
        // insert a forged row at the end that links to nothing real
        url = url(store);
        try (Ledger l = open(url, Secrets.none())) {
            fill(l, 10);
        }
        sql(url, "INSERT INTO ledger_entries SELECT 11, 'forged', time, actor, kind, subject, outcome, summary, "
                + "payload, artifacts, hash, hash FROM ledger_entries WHERE seq = 3");
        assertBroken(url, 11, "link");
        // reorder: swap the contents of entries 7 and 8
        url = url(store);
        try (Ledger l = open(url, Secrets.none())) {
            fill(l, 10);
        }
        sql(url, "UPDATE ledger_entries SET seq = -7 WHERE seq = 7");
        sql(url, "UPDATE ledger_entries SET seq = 7 WHERE seq = 8");
        sql(url, "UPDATE ledger_entries SET seq = 8 WHERE seq = -7");
        assertBroken(url, 7, "reordered");
    }

    private void assertBroken(String url, long seq, String why) {
        try (Ledger l = open(url, Secrets.none())) {
            VerifyResult r = l.verify();
            assertThat(r).as(why).isInstanceOf(VerifyResult.Broken.class);
            assertThat(((VerifyResult.Broken) r).firstBadSeq()).as(why).isEqualTo(seq);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void tamperedAttachmentIsDetected(String store) throws Exception {
        String url = url(store);
        try (Ledger l = open(url, Secrets.none())) {
            fill(l, 2);
            l.append(NewEntry.of("audit", "s", Outcome.PASSED, "r", Map.of())
                    .withAttachments(List.of(new NewEntry.Attachment("r.txt", "text/plain", "all passed".getBytes()))));
            fill(l, 2);
        }
        dropTriggers(url);
        try (Connection c = DriverManager.getConnection(jdbc(url));
             var ps = c.prepareStatement("UPDATE ledger_attachments SET content = ?")) {
            ps.setBytes(1, "all failed".getBytes());
            ps.executeUpdate();
        }
        assertBroken(url, 3, "attachment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void bundleVerifiesOfflineAndTamperingIsNamed(String store) throws Exception {
        String url = url(store);
        Path zip = dir.resolve("bundle-" + store + ".zip");
        try (Ledger l = open(url, Secrets.none())) {
            fill(l, 5);
            l.append(NewEntry.of("audit", "s", Outcome.PASSED, "r", Map.of())
                    .withAttachments(List.of(new NewEntry.Attachment("r-" + store + ".txt", "text/plain", "x".getBytes()))));
            LedgerBundles.BundleSummary s = LedgerBundles.export(l, zip);
            assertThat(s.entries()).isEqualTo(6);
            assertThat(s.attachments()).isEqualTo(1);
        }
        assertThat(LedgerBundles.verify(zip).intact()).isTrue();
        // Rewrite entries.jsonl inside the zip with entry 3's summary changed.
        Path tampered = dir.resolve("tampered-" + store + ".zip");
        try (var in = new ZipFile(zip.toFile());
             var out = new ZipOutputStream(Files.newOutputStream(tampered))) {
            for (var e : Collections.list(in.entries())) {
                byte[] data = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("entries.jsonl")) {
                    data = new String(data).replace("\"entry 3\"", "\"entry three\"").getBytes();
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        VerifyResult r = LedgerBundles.verify(tampered);
        assertThat(r).isInstanceOf(VerifyResult.Broken.class);
        assertThat(((VerifyResult.Broken) r).firstBadSeq()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoProcessesAppendingAtOnceNeverForkTheChain(String store) throws Exception {
        String url = url(store);
        // No schema yet: both processes race through the first-time migration too.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> procs = new ArrayList<>();
        for (String who : List.of("a", "b")) {
            procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    AppendMain.class.getName(), url, "500", who, dir.toString()).inheritIO().start());
        }
        for (Process p : procs) {
            assertThat(p.waitFor()).isZero();
        }
        try (Ledger l = open(url, Secrets.none())) {
            VerifyResult r = l.verify();
            assertThat(r.intact()).isTrue();
            assertThat(r.entries()).isEqualTo(1000);
            // The head file, replaced by both processes in turn, ends at the last append, never behind or ahead.
            assertThat(l.check(null).witnesses()).anySatisfy(w -> assertThat(w).contains("records seq 1000: agrees")
                    .doesNotContain("lags"));
            assertThat(l.query(new LedgerQuery("concurrency", "a", null, 0, false))).hasSize(500);
            assertThat(l.query(new LedgerQuery("concurrency", "b", null, 0, false))).hasSize(500);
        }
    }

    @Test
    void anUpToDateSchemaSkipsFlywayAndTheConstantMatchesTheShippedMigrations() throws Exception {
        for (String d : List.of("sqlite", "postgresql")) {
            try (var files = Files.list(Path.of("src/main/resources/db/migration", d))) {
                int newest = files.map(f -> f.getFileName().toString())
                        .filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
                assertThat(newest).as(d).isEqualTo(JdbcLedger.SCHEMA_VERSION);
            }
        }
        Path db = dir.resolve("fresh.db");
        assertThat(JdbcLedger.current("jdbc:sqlite:" + db)).isFalse();
        try (Ledger l = Ledgers.open("sqlite:" + db, dir, Secrets.none(), "t@h", clock)) {
            l.append(NewEntry.of("k", "s", Outcome.PASSED, "x", Map.of()));
        }
        assertThat(JdbcLedger.current("jdbc:sqlite:" + db)).isTrue();
        try (Ledger l = Ledgers.open("sqlite:" + db, dir, Secrets.none(), "t@h", clock)) {
            assertThat(l.verify().intact()).isTrue();
            assertThat(l.verify().entries()).isEqualTo(1);
        }
    }

    @Test
    void aPostgresWriterRoleWithInsertAndSelectOnlyAppendsButCannotChangeRows() throws Exception {
        String url = url("postgresql");
        try (Ledger l = open(url, Secrets.none())) { // the owner migrates
            fill(l, 2);
        }
        String db = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        String role = "preflight_writer_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // The grants the README gives for writers.
        try {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + role + " LOGIN");
                st.execute("GRANT CONNECT ON DATABASE " + db + " TO " + role);
                st.execute("GRANT USAGE ON SCHEMA public TO " + role);
                st.execute("GRANT SELECT, INSERT ON ledger_entries, ledger_attachments TO " + role);
                st.execute("GRANT SELECT ON ledger_schema_history TO " + role);
            }
            String writer = url.replace("user=postgres", "user=" + role);
            try (Ledger l = open(writer, Secrets.none())) {
                l.append(NewEntry.of("audit", "as-writer", Outcome.PASSED, "appended by the writer role", Map.of())
                        .withAttachments(List.of(new NewEntry.Attachment("w.txt", "text/plain", "w".getBytes()))));
                assertThat(l.verify().entries()).isEqualTo(3);
            }
            for (String edit : List.of("UPDATE ledger_entries SET summary = 'x'", "DELETE FROM ledger_entries",
                    "TRUNCATE ledger_entries", "DROP TRIGGER ledger_entries_append_only ON ledger_entries",
                    "UPDATE ledger_attachments SET content = content")) {
                try (Connection c = DriverManager.getConnection(writer); Statement st = c.createStatement()) {
                    Assertions.assertThatThrownBy(() -> st.execute(edit)).as(edit)
                            .isInstanceOf(SQLException.class).hasMessageMatching("(?s).*(permission denied|must be owner).*");
                }
            }
        } finally {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
            }
            try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement st = c.createStatement()) {
                st.execute("REVOKE ALL ON DATABASE " + db + " FROM " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void theHeadIsOneSectorOverwrittenInPlaceAndAGarbledSectorIsBroken() throws Exception {
        Path db = dir.resolve("sector.db");
        Path head = Ledgers.sqliteHeadFile(db.toAbsolutePath());
        try (Ledger l = open("sqlite:" + db, Secrets.none())) {
            fill(l, 1);
            assertThat(Files.size(head)).isEqualTo(HeadWitness.SECTOR);
            Object inode = Files.getAttribute(head, "unix:ino");
            fill(l, 2);
            // The same file, rewritten in place: no rename, and it names the newest entry.
            assertThat(Files.getAttribute(head, "unix:ino")).isEqualTo(inode);
            assertThat(Files.readString(head)).contains("\"seq\":3");
            assertThat(l.verify().intact()).isTrue();
        }
        // A head written by an older version (pretty JSON, any size) is read, and the next append
        // brings it to the sector form by a rename.
        String pretty = Json.pretty(Json.parse(Files.readString(head)));
        Files.writeString(head, pretty);
        try (Ledger l = open("sqlite:" + db, Secrets.none())) {
            assertThat(l.verify().intact()).isTrue();
            fill(l, 1);
            assertThat(Files.size(head)).isEqualTo(HeadWitness.SECTOR);
        }
        // A head file replaced by a symlink: the next head replaces the link, never writes its target.
        Path victim = dir.resolve("victim.txt");
        Files.write(victim, Files.readAllBytes(head));
        byte[] victimBefore = Files.readAllBytes(victim);
        Files.delete(head);
        Files.createSymbolicLink(head, victim);
        try (Ledger l = open("sqlite:" + db, Secrets.none())) {
            fill(l, 1);
        }
        assertThat(Files.readAllBytes(victim)).isEqualTo(victimBefore);
        assertThat(Files.isSymbolicLink(head)).isFalse();
        assertThat(Files.size(head)).isEqualTo(HeadWitness.SECTOR);
        // A sector that is not a head (a torn or edited write) is never read as one.
        byte[] garbled = Files.readAllBytes(head);
        garbled[10] = '#';
        Files.write(head, garbled);
        try (Ledger l = open("sqlite:" + db, Secrets.none())) {
            assertThat(l.verify().intact()).isFalse();
        }
    }
}
