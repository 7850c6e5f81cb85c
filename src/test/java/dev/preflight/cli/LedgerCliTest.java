package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.BundleForger;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ledger as a hostile or unlucky user meets it through the CLI (issue 14): a cut tail, a deleted,
 * emptied or foreign ledger, dropped triggers, damaged bundles, a read-only directory. Tampering runs
 * on SQLite files and on the real PostgreSQL server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerCliTest {
    private static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    private final List<String> pgDatabases = new ArrayList<>();

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    /** The ledger URL every command of a test is given, or null for the default beside the plan. */
    private String ledgerUrl;

    @BeforeEach
    void plan() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                requirements: [{tool: java, version: ">=17"}]
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                risks:
                  - name: drift
                    title: Version drift
                    controls: [{evidence: audit, max_age: 7d}]
                """);
        env.clear();
        ledgerUrl = null;
    }

    @AfterAll
    void dropPg() throws Exception {
        try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement st = c.createStatement()) {
            for (String db : pgDatabases) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    private CliRun run(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        if (ledgerUrl != null) {
            a.add(0, ledgerUrl);
            a.add(0, "--ledger");
        }
        return CliRun.of(dir, env, CliRun.CLOCK, a.toArray(String[]::new));
    }

    private Path db() {
        return dir.resolve(".preflight/ledger.db");
    }

    /** Points the test at a store: the default SQLite file, or a fresh PostgreSQL database. */
    private void use(String store) throws Exception {
        if (store.equals("postgresql")) {
            String name = "preflight_cli_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            pgDatabases.add(name);
            ledgerUrl = "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
        }
    }

    private String jdbc() {
        return ledgerUrl != null ? ledgerUrl : "jdbc:sqlite:" + db();
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc()); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** What someone with write access to the store does first: remove whatever refuses edits. */
    private void dropTriggers() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc()); Statement st = c.createStatement()) {
            List<String> drops = new ArrayList<>();
            if (ledgerUrl == null) {
                try (var rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
                    while (rs.next()) {
                        drops.add("DROP TRIGGER " + rs.getString(1));
                    }
                }
            } else {
                try (var rs = st.executeQuery("SELECT tgname, tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal")) {
                    while (rs.next()) {
                        drops.add("DROP TRIGGER " + rs.getString(1) + " ON " + rs.getString(2));
                    }
                }
            }
            for (String d : drops) {
                st.execute(d);
            }
        }
    }

    /** Appends {@code n} audit entries (each with its JSON report attached) through the CLI. */
    private void audits(int n) {
        for (int i = 0; i < n; i++) {
            CliRun r = run("audit");
            assertThat(r.code()).as(r.all()).isZero();
        }
    }

    private String hashOf(long seq) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc()); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT hash FROM ledger_entries WHERE seq = " + seq)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static Path headFile(Path dir) throws Exception {
        Path sqlite = dir.resolve(".preflight/ledger.db.head");
        if (Files.exists(sqlite)) {
            return sqlite;
        }
        try (var s = Files.list(dir.resolve(".preflight/ledger-heads"))) {
            return s.filter(p -> p.toString().endsWith(".head")).findFirst().orElseThrow();
        }
    }

    // ---- 2. a deleted tail -------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theNewestRowDeletedIsNamedByTheHeadWitnessAndRunIsNoGo(String store) throws Exception {
        use(store);
        audits(3);
        assertThat(run("ledger", "verify").code()).isZero();
        dropTriggers();
        sql("DELETE FROM ledger_entries WHERE seq = 3");

        CliRun v = run("ledger", "verify");
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.out()).contains("BROKEN", "entries after seq 2 are missing (head file records seq 3)");
        JsonNode j = Json.parse(run("ledger", "verify", "--format", "json").out());
        assertThat(j.path("intact").asBoolean()).isFalse();
        assertThat(j.path("first_bad_seq").asLong()).isEqualTo(3);

        // Every caller of Ledger.verify() gets it: the run's verdict is NO-GO.
        CliRun r = run("run", "--format", "json");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(Json.parse(r.out()).path("verdict").asText()).isEqualTo("NO-GO");
        // Appending after the cut did not overwrite the witness: still BROKEN, now at entry #3.
        CliRun again = run("ledger", "verify");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.out()).contains("entry #3 differs from the one the head file records");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyRowDeletedIsBroken(String store) throws Exception {
        use(store);
        audits(2);
        dropTriggers();
        sql("DELETE FROM ledger_entries", "DELETE FROM ledger_attachments");
        CliRun v = run("ledger", "verify");
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.out()).contains("BROKEN", "entries after seq 0 are missing (head file records seq 2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void triggersDroppedThenARowEditedIsCaughtByTheChain(String store) throws Exception {
        use(store);
        audits(3);
        dropTriggers();
        sql("UPDATE ledger_entries SET outcome = 'passed', summary = 'all good' WHERE seq = 2");
        CliRun v = run("ledger", "verify");
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("BROKEN", "#2", "content does not match its hash");
    }

    /**
     * {@code preflight risks} judged the register on whatever the ledger held: with a failed audit
     * edited into a passed one in the store (triggers dropped), it said Mitigated and exit 0 while
     * readiness said NO-GO. It now refuses to assess a chain that does not verify.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void risksAreNotAssessedOnAChainThatDoesNotVerify(String store) throws Exception {
        use(store);
        audits(2);
        assertThat(run("risks").code()).isZero();
        dropTriggers();
        sql("UPDATE ledger_entries SET summary = 'edited' WHERE seq = 2");
        CliRun r = run("risks");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains("does not verify (first bad entry #2", "the risks are not assessed");
        assertThat(r.out()).doesNotContain("Mitigated");
    }

    /**
     * A row edited into something that is not an entry (a time or an outcome no entry has) was an
     * internal error, exit 4 with "this is a bug in Preflight", in every command that read it
     * (readiness, ledger log); verify named it. Now it is the ledger's state: exit 3 naming the entry.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRowEditedIntoSomethingThatIsNotAnEntryIsNamedNotABug(String store) throws Exception {
        use(store);
        audits(2);
        dropTriggers();
        sql("UPDATE ledger_entries SET outcome = 'approved' WHERE seq = 2");
        CliRun readiness = run("readiness");
        assertThat(readiness.code()).as(readiness.all()).isEqualTo(3);
        assertThat(readiness.err()).contains("entry #2 of the ledger at", "cannot be read: its outcome 'approved' is "
                + "not passed, failed, warning or error (it was edited outside Preflight)", "ledger verify")
                .doesNotContain("bug");
        sql("UPDATE ledger_entries SET outcome = 'passed', time = 'yesterday' WHERE seq = 2");
        CliRun log = run("ledger", "log");
        assertThat(log.code()).as(log.all()).isEqualTo(3);
        assertThat(log.err()).contains("entry #2", "its time 'yesterday' is not an ISO-8601 instant").doesNotContain("bug");
        CliRun v = run("ledger", "verify");
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("BROKEN: entry cannot be read: its time 'yesterday' is not an ISO-8601 instant");
    }

    /**
     * With a row edited into something that is not an entry, {@code readiness} and {@code run} exited
     * 3 with nothing on stdout: a reviewer reading the report file (or a CI step reading the JSON)
     * read silence, never NO-GO. Every format now states NO-GO, naming the unreadable entry, and the
     * verdict is recorded as failed; the exit stays 3 because the evidence could not be judged.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRowThatCannotBeReadIsStatedAsNoGoInEveryFormat(String store) throws Exception {
        use(store);
        audits(2);
        dropTriggers();
        // The newest row too: reading the head must not take the verdict with it.
        sql("UPDATE ledger_entries SET outcome = 'approved' WHERE seq = 2");
        for (String cmd : List.of("readiness", "run")) {
            CliRun text = run(cmd);
            assertThat(text.code()).as(text.all()).isEqualTo(3);
            assertThat(text.out()).as(text.all()).contains("Readiness of demo: NO-GO", "entry #2", "cannot be read",
                    "Reasons for NO-GO").doesNotContain(": GO");
            CliRun json = run(cmd, "--format", "json");
            assertThat(json.code()).as(json.all()).isEqualTo(3);
            JsonNode j = Json.parse(json.out());
            assertThat(j.path("verdict").asText()).isEqualTo("NO-GO");
            assertThat(j.path("ledger_intact").asBoolean()).isFalse();
            assertThat(j.path("reasons").toString()).contains("entry #2", "cannot be read");
            CliRun md = run(cmd, "--format", "markdown");
            assertThat(md.code()).as(md.all()).isEqualTo(3);
            assertThat(md.out()).contains("**Verdict: NO-GO**", "entry #2");
            CliRun html = run(cmd, "--format", "html");
            assertThat(html.code()).as(html.all()).isEqualTo(3);
            assertThat(html.out()).contains("NO-GO", "entry #2").doesNotContain(">GO<");
        }
        // Each verdict was recorded, failed (appending reads the raw head, not the edited row).
        try (Connection c = DriverManager.getConnection(jdbc()); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT kind, outcome FROM ledger_entries WHERE kind IN ('readiness', 'run')")) {
            int n = 0;
            while (rs.next()) {
                n++;
                assertThat(rs.getString(2)).isEqualTo("failed");
            }
            assertThat(n).isEqualTo(8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theStoreRefusesEditsAndDeletes(String store) throws Exception {
        use(store);
        audits(2);
        List<String> edits = new ArrayList<>(List.of("UPDATE ledger_entries SET summary = 'x' WHERE seq = 1",
                "DELETE FROM ledger_entries WHERE seq = 2", "UPDATE ledger_attachments SET content = content",
                "DELETE FROM ledger_attachments"));
        if (store.equals("postgresql")) {
            edits.add("TRUNCATE ledger_entries");
            edits.add("TRUNCATE ledger_attachments");
        }
        for (String edit : edits) {
            assertThatThrownBy(() -> sql(edit)).as(edit).isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
        assertThat(run("ledger", "verify").out()).startsWith("INTACT: 2 entries");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aHeadKeptElsewhereCatchesACutTailWhenTheHeadFileWentToo(String store) throws Exception {
        use(store);
        audits(3);
        String head = "3:" + hashOf(3);
        assertThat(run("ledger", "verify").out()).contains("--expect-head " + head);
        assertThat(run("ledger", "log").out()).contains("head " + head);
        assertThat(run("ledger", "verify", "--expect-head", head).code()).isZero();
        dropTriggers();
        sql("DELETE FROM ledger_entries WHERE seq = 3");
        Files.delete(headFile(dir));

        // Without a witness the shorter chain is consistent: a chain alone cannot see its tail cut off.
        assertThat(run("ledger", "verify").code()).isZero();
        CliRun v = run("ledger", "verify", "--expect-head", head);
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.out()).contains("entries after seq 2 are missing (--expect-head records seq 3)");
        CliRun wrong = run("ledger", "verify", "--expect-head", "2:" + "ab".repeat(32));
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.out()).contains("entry #2 differs from the one --expect-head records");
        CliRun bad = run("ledger", "verify", "--expect-head", "three");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--expect-head", "SEQ:HASH");
    }

    @Test
    void aSignedHeadCatchesAHeadFileEditedToMatchACutTail() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        env.put("PREFLIGHT_LEDGER_KEY", Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()));
        audits(3);
        CliRun ok = run("ledger", "verify");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("signature verified");
        dropTriggers();
        sql("DELETE FROM ledger_entries WHERE seq = 3");
        Path head = headFile(dir);
        // The editor rewrites the head to the new tip; it cannot sign it.
        JsonNode h = Json.parse(Files.readString(head));
        Map<String, Object> forged = Json.mapper().convertValue(h, LinkedHashMap.class);
        forged.put("seq", 2);
        forged.put("hash", hashOf(2));
        Files.writeString(head, Json.pretty(forged));
        CliRun v = run("ledger", "verify");
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.out()).contains("BROKEN", "signature");
        forged.remove("signature");
        Files.writeString(head, Json.pretty(forged));
        CliRun unsigned = run("ledger", "verify");
        assertThat(unsigned.code()).isEqualTo(1);
        assertThat(unsigned.out()).contains("not signed");
        // A reviewer holding only the public key checks the same way.
        env.clear();
        env.put("PREFLIGHT_LEDGER_PUBLIC_KEY", Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()));
        assertThat(run("ledger", "verify").code()).isEqualTo(1);
    }

    // ---- 3. no silent recreation -------------------------------------------------------------

    @Test
    void readCommandsNeverCreateALedger() throws Exception {
        for (String[] cmd : new String[][] {{"ledger", "verify"}, {"ledger", "log"},
            {"ledger", "export", "--out", "b.zip"}, {"readiness"}, {"risks"}}) {
            CliRun r = run(cmd);
            assertThat(r.code()).as(String.join(" ", cmd) + ": " + r.all()).isEqualTo(3);
            assertThat(r.err()).as(String.join(" ", cmd)).contains("no ledger at " + db());
        }
        assertThat(dir.resolve(".preflight")).doesNotExist();
        assertThat(dir.resolve("b.zip")).doesNotExist();
        CliRun typo = run("--ledger", "sqlite:new/dir/l.db", "ledger", "verify");
        assertThat(typo.code()).isEqualTo(3);
        assertThat(typo.err()).contains("no ledger at " + dir.resolve("new/dir/l.db"));
        assertThat(dir.resolve("new")).doesNotExist();
    }

    @Test
    void readCommandsNeverCreateALedgerInAnEmptyPostgresDatabase() throws Exception {
        use("postgresql");
        CliRun r = run("ledger", "verify");
        assertThat(r.code()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("no ledger at jdbc:postgresql://127.0.0.1:5432/");
        try (Connection c = DriverManager.getConnection(jdbc()); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void anAppendingCommandSaysWhenItCreatesALedger() {
        CliRun first = run("audit");
        assertThat(first.code()).as(first.all()).isZero();
        assertThat(first.err()).contains("created a new ledger at " + db());
        CliRun second = run("audit");
        assertThat(second.err()).doesNotContain("created a new ledger");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deleted", "emptied"})
    void aDeletedOrEmptiedLedgerWhoseHeadFileRecordsEntriesIsBrokenAndNotRecreated(String how) throws Exception {
        audits(2);
        if (how.equals("deleted")) {
            Files.delete(db());
        } else {
            Files.write(db(), new byte[0]);
        }
        CliRun v = run("ledger", "verify");
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.all()).contains("BROKEN", db().toString(), "head file records seq 2");
        CliRun append = run("audit");
        assertThat(append.code()).as(append.all()).isEqualTo(1);
        assertThat(append.err()).contains("head file records seq 2").doesNotContain("created a new ledger");
        assertThat(Files.exists(db()) ? Files.size(db()) : 0L).isZero();
        for (String[] cmd : new String[][] {{"ledger", "log"}, {"readiness"}}) {
            assertThat(run(cmd).code()).as(String.join(" ", cmd)).isEqualTo(1);
        }
    }

    @Test
    void aPostgresLedgerWhoseTablesWereDroppedIsBrokenWhenTheLocalHeadRecordsEntries() throws Exception {
        use("postgresql");
        audits(2);
        sql("DROP TABLE ledger_entries", "DROP TABLE ledger_attachments", "DROP TABLE ledger_schema_history");
        CliRun v = run("ledger", "verify");
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.all()).contains("BROKEN", "head file records seq 2");
        CliRun append = run("audit");
        assertThat(append.code()).as(append.all()).isEqualTo(1);
    }

    // ---- 5. bundles --------------------------------------------------------------------------

    @Test
    void exportCarriesEveryStoredAttachmentThroughTheCli() throws Exception {
        audits(2);
        CliRun e = run("ledger", "export", "--out", "b.zip");
        assertThat(e.code()).as(e.all()).isZero();
        assertThat(e.out()).contains("2 entries and 2 attachment(s)", "head 2:" + hashOf(2));
        try (ZipFile z = new ZipFile(dir.resolve("b.zip").toFile())) {
            List<String> names = z.stream().map(ZipEntry::getName).filter(n -> n.startsWith("attachments/audit-")).toList();
            assertThat(names).hasSize(2);
            JsonNode report = Json.parse(new String(z.getInputStream(z.getEntry(names.get(0))).readAllBytes(),
                    StandardCharsets.UTF_8));
            assertThat(report.isObject()).isTrue();
        }
        CliRun v = run("ledger", "verify", "--bundle", "b.zip", "--expect-head", "2:" + hashOf(2));
        assertThat(v.code()).as(v.all()).isZero();
        assertThat(v.out()).contains("INTACT: 2 entries");
        // For a pipeline: the same facts as JSON, the head ready for --expect-head.
        CliRun j = run("ledger", "export", "--out", "c.zip", "--format", "json");
        assertThat(j.code()).as(j.all()).isZero();
        JsonNode x = Json.parse(j.out());
        assertThat(x.path("bundle").asText()).endsWith("c.zip");
        assertThat(x.path("entries").asLong()).isEqualTo(2);
        assertThat(x.path("attachments").asInt()).isEqualTo(2);
        assertThat(x.path("head_seq").asLong() + ":" + x.path("head_hash").asText()).isEqualTo("2:" + hashOf(2));
    }

    @Test
    void exportNeverOverwritesWithoutForceAndNeverThePlanOrTheLedger() throws Exception {
        audits(1);
        Files.writeString(dir.resolve("b.zip"), "keep me");
        CliRun refused = run("ledger", "export", "--out", "b.zip");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("already exists", "--force");
        assertThat(Files.readString(dir.resolve("b.zip"))).isEqualTo("keep me");
        assertThat(run("ledger", "export", "--out", "b.zip", "--force").code()).isZero();
        assertThat(run("ledger", "verify", "--bundle", "b.zip").code()).isZero();
        String plan = Files.readString(dir.resolve("preflight.yaml"));
        byte[] ledger = Files.readAllBytes(db());
        for (String target : List.of("preflight.yaml", ".preflight/ledger.db", ".preflight/ledger.db.head")) {
            CliRun r = run("ledger", "export", "--out", target, "--force");
            assertThat(r.code()).as(target).isEqualTo(2);
            assertThat(r.err()).as(target).contains("refusing to overwrite");
        }
        assertThat(Files.readString(dir.resolve("preflight.yaml"))).isEqualTo(plan);
        assertThat(Files.readAllBytes(db())).isEqualTo(ledger);
    }

    /** Copies a bundle, letting {@code edit} change, drop (return null) or add files. */
    private Path rewrite(Path zip, String name, BiFunction<String, byte[], byte[]> edit,
                         Map<String, byte[]> extra) throws Exception {
        Path out = dir.resolve(name);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipFile in = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] data = edit.apply(e.getName(), in.getInputStream(e).readAllBytes());
                if (data != null) {
                    files.put(e.getName(), data);
                }
            }
        }
        files.putAll(extra);
        BundleForger.write(out, files);
        return out;
    }

    /** Every entry of a bundle as a zip reader gives it, or null when the zip cannot be read. */
    private static Map<String, byte[]> held(Path zip) {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                out.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return out;
    }

    private CliRun verifyBundle(Path zip, String... more) {
        List<String> a = new ArrayList<>(List.of("ledger", "verify", "--bundle", zip.toString()));
        a.addAll(List.of(more));
        return run(a.toArray(String[]::new));
    }

    @Test
    void damagedOrDoctoredBundlesAreBrokenAndNeverACrash() throws Exception {
        audits(3);
        assertThat(run("ledger", "export", "--out", "b.zip").code()).isZero();
        Path zip = dir.resolve("b.zip");
        byte[] good = Files.readAllBytes(zip);
        String head = "3:" + hashOf(3);

        // A flipped byte anywhere: exit 1 BROKEN, never exit 4; INTACT only where the flip changed
        // nothing the bundle holds, every entry byte for byte the same (a bit no reader uses, such as
        // the padding after the last deflate block: seen once in a full suite, at offset 469).
        Map<String, byte[]> held = held(zip);
        Random rnd = new Random(14);
        for (int i = 0; i < 25; i++) {
            byte[] bad = good.clone();
            int at = i == 0 ? good.length / 2 : rnd.nextInt(good.length);
            bad[at] ^= (byte) (1 << rnd.nextInt(8));
            Path f = dir.resolve("flip-" + i + ".zip");
            Files.write(f, bad);
            CliRun r = verifyBundle(f, "--expect-head", head);
            if (r.code() == 0) {
                Map<String, byte[]> got = held(f);
                assertThat(got).as("flip at " + at + " verified INTACT: " + r.all()).isNotNull()
                        .containsOnlyKeys(held.keySet());
                got.forEach((name, data) -> assertThat(data).as("flip at " + at + ": " + name).isEqualTo(held.get(name)));
                continue;
            }
            assertThat(r.code()).as("flip at " + at + ": " + r.all()).isEqualTo(1);
            assertThat(r.out()).as("flip at " + at).startsWith("BROKEN");
        }
        CliRun notJson = verifyBundle(rewrite(zip, "m.zip",
                (n, d) -> n.equals("manifest.json") ? "{not json".getBytes() : d, Map.of()));
        assertThat(notJson.code()).as(notJson.all()).isEqualTo(1);
        assertThat(notJson.out()).contains("BROKEN", "manifest.json");
        CliRun extra = verifyBundle(rewrite(zip, "x.zip", (n, d) -> d, Map.of("attachments/extra.json", "{}".getBytes())));
        assertThat(extra.code()).isEqualTo(1);
        assertThat(extra.out()).contains("BROKEN", "not in the manifest: attachments/extra.json");
        for (String evil : List.of("../../evil.sh", "/etc/evil", "attachments/../../evil")) {
            CliRun r = verifyBundle(rewrite(zip, "e.zip", (n, d) -> d, Map.of(evil, "x".getBytes())));
            assertThat(r.code()).as(evil).isEqualTo(1);
            assertThat(r.out()).as(evil).contains("BROKEN", "unsafe", evil);
        }
        CliRun dropped = verifyBundle(rewrite(zip, "d.zip", (n, d) -> n.startsWith("attachments/") ? null : d, Map.of()));
        assertThat(dropped.code()).isEqualTo(1);
        assertThat(dropped.out()).contains("BROKEN");

        // The tail cut off and the manifest edited to match: consistent, so only a head kept elsewhere catches it.
        Path cut = cutTail(zip);
        CliRun alone = verifyBundle(cut);
        assertThat(alone.code()).as(alone.all()).isZero();
        assertThat(alone.out()).contains("INTACT: 2 entries", "--expect-head");
        CliRun caught = verifyBundle(cut, "--expect-head", head);
        assertThat(caught.code()).isEqualTo(1);
        assertThat(caught.out()).contains("entries after seq 2 are missing (--expect-head records seq 3)");
    }

    @Test
    void aSignedBundleCatchesACutTailWithoutAHeadKeptElsewhere() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        env.put("PREFLIGHT_LEDGER_KEY", Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()));
        audits(3);
        assertThat(run("ledger", "export", "--out", "b.zip").code()).isZero();
        env.clear();
        env.put("PREFLIGHT_LEDGER_PUBLIC_KEY", Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()));
        CliRun ok = verifyBundle(dir.resolve("b.zip"));
        assertThat(ok.code()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("signature verified");
        CliRun cut = verifyBundle(cutTail(dir.resolve("b.zip")));
        assertThat(cut.code()).as(cut.all()).isEqualTo(1);
        assertThat(cut.out()).contains("BROKEN", "signature");
    }

    /** Drops the last entry from a bundle and edits its manifest to match, as a careful forger would. */
    private Path cutTail(Path zip) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipFile in = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(in.entries())) {
                files.put(e.getName(), in.getInputStream(e).readAllBytes());
            }
        }
        String[] lines = new String(files.get("entries.jsonl"), StandardCharsets.UTF_8).split("\n");
        JsonNode last = Json.parse(lines[lines.length - 2]);
        // (entries.jsonl ends with a newline, so split() left no empty last element)
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < lines.length - 1; i++) {
            kept.append(lines[i]).append('\n');
        }
        byte[] entries = kept.toString().getBytes(StandardCharsets.UTF_8);
        files.put("entries.jsonl", entries);
        // ... and the report the dropped entry vouched for, which would otherwise give the cut away.
        JsonNode dropped = Json.parse(lines[lines.length - 1]);
        for (JsonNode a : dropped.path("artifacts")) {
            files.remove("attachments/" + a.path("location").asText().replaceFirst("^ledger:", ""));
        }
        Map<String, Object> m = Json.mapper().convertValue(Json.parse(new String(files.get("manifest.json"),
                StandardCharsets.UTF_8)), LinkedHashMap.class);
        m.put("entries", lines.length - 1);
        m.put("head_hash", last.path("hash").asText());
        if (m.get("head") instanceof Map<?, ?> h) {
            @SuppressWarnings("unchecked")
            Map<String, Object> hm = (Map<String, Object>) h;
            hm.put("seq", last.path("seq").asLong());
            hm.put("hash", last.path("hash").asText());
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (!f.getKey().equals("manifest.json")) {
                list.add(Map.of("path", f.getKey(), "size", f.getValue().length, "sha256", Hashing.sha256Hex(f.getValue())));
            }
        }
        m.put("files", list);
        files.put("manifest.json", Json.pretty(m).getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("cut-" + UUID.randomUUID() + ".zip");
        BundleForger.write(out, files);
        return out;
    }

    // ---- 6. clear failures -------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"random", "text", "directory", "zip", "truncated-sqlite"})
    void aCorruptOrForeignLedgerIsExitThreeInOneLineWithoutFlyway(String kind) throws Exception {
        Files.createDirectories(db().getParent());
        String cause;
        switch (kind) {
            case "random" -> {
                byte[] b = new byte[64 * 1024];
                new Random(3).nextBytes(b);
                Files.write(db(), b);
                cause = "not an SQLite database";
            }
            case "text" -> {
                Files.writeString(db(), "just some notes\n");
                cause = "not an SQLite database";
            }
            case "directory" -> {
                Files.createDirectories(db());
                cause = "is a directory";
            }
            case "zip" -> {
                audits(1);
                assertThat(run("ledger", "export", "--out", "b.zip").code()).isZero();
                Files.delete(db());
                Files.deleteIfExists(dir.resolve(".preflight/ledger.db.head"));
                Files.copy(dir.resolve("b.zip"), db());
                cause = "not an SQLite database";
            }
            default -> {
                audits(3);
                byte[] all = Files.readAllBytes(db());
                Files.deleteIfExists(dir.resolve(".preflight/ledger.db.head"));
                byte[] half = Arrays.copyOf(all, 100);
                Files.write(db(), half);
                cause = "";
            }
        }
        for (String[] cmd : new String[][] {{"ledger", "verify"}, {"ledger", "log"}, {"audit"}}) {
            CliRun r = run(cmd);
            assertThat(r.code()).as(kind + " " + String.join(" ", cmd) + ": " + r.all()).isEqualTo(3);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).contains(db().toString(), cause).doesNotContainIgnoringCase("flyway")
                    .doesNotContain("Exception", "at org.");
        }
    }

    @Test
    void aReadOnlyLedgerDirectoryStillLetsVerifyLogAndExportRead() throws Exception {
        audits(2);
        Path pf = dir.resolve(".preflight");
        // We run as root, so permissions do not stop us: the immutable attribute does (ext4), even for root.
        assumeTrue(chattr("+i", pf), "chattr +i is not supported on this file system");
        try {
            assertThatThrownBy(() -> Files.createFile(pf.resolve("probe"))).isInstanceOf(IOException.class);
            CliRun v = run("ledger", "verify");
            assertThat(v.code()).as(v.all()).isZero();
            assertThat(v.out()).startsWith("INTACT: 2 entries");
            CliRun log = run("ledger", "log");
            assertThat(log.code()).as(log.all()).isZero();
            assertThat(log.out()).contains("2 entries in");
            CliRun e = run("ledger", "export", "--out", "ro.zip");
            assertThat(e.code()).as(e.all()).isZero();
            assertThat(e.out()).contains("2 attachment(s)");
            // An appending command cannot write there and says so, exit 3, nothing lost.
            CliRun a = run("audit");
            assertThat(a.code()).as(a.all()).isEqualTo(3);
        } finally {
            chattr("-i", pf);
        }
        assertThat(run("ledger", "verify").out()).startsWith("INTACT: 2 entries");
    }

    private static boolean chattr(String flag, Path p) throws Exception {
        Process pr = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
        pr.getInputStream().readAllBytes();
        return pr.waitFor() == 0;
    }
}
