package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.ArtifactStore;
import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.BackupPlan.LocalDestination;
import dev.preflight.backup.LocalDirectoryStore;
import dev.preflight.backup.Stores;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scratch restore test checks the artifact's SHA-256 on the very bytes it loads, as they stream,
 * instead of hashing the copy first and reading it a second time: whatever those bytes are, the test
 * passes only if they hash to the ledger's SHA-256; otherwise it fails, reports nothing good, and the
 * scratch database is dropped. Uncompressed dumps, so a corruption can load cleanly and only the hash
 * at the end of the stream can find it.
 */
class StreamVerifiedRestoreTest {
    @TempDir
    Path dir;

    private final String db = "pf_sv_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private RestoreHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        RestoreHarness.sql("CREATE DATABASE " + db + ";\nUSE " + db + ";\n"
                + "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL);\n"
                + "INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com') FROM seq_1_to_50;\n"
                + "ANALYZE TABLE users;\n");
        cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: stream-verified}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}, name_pattern: "db-{date}-{time}"}
                restore_test:
                  source: db
                  target: {host: 127.0.0.1, port: 3306, user: root}
                  sql_checks:
                    - {name: genuine emails, sql: "SELECT COUNT(*) FROM users WHERE email LIKE '%%@example.com'", expect: "= 50"}
                """.formatted(db));
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        RestoreHarness.sql("DROP DATABASE IF EXISTS " + db);
        for (String d : RestoreHarness.databases(db + "_restore_")) {
            RestoreHarness.sql("DROP DATABASE IF EXISTS " + d);
        }
    }

    private Path copy(String destination) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(destination))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".sql")).findFirst().orElseThrow();
        }
    }

    /** The dump with one email changed, same size: it loads cleanly, keeps every count, and no check sees it. */
    private static byte[] tampered(byte[] dump) {
        String s = new String(dump, StandardCharsets.ISO_8859_1);
        int at = s.lastIndexOf("user49@example.com");
        assertThat(at).as("the last rows are in the dump").isPositive();
        byte[] out = dump.clone();
        out[at + "user49@ex".length()] = 'b';
        return out;
    }

    @Test
    void aSameSizeCorruptionOnlyTheHashCanFindFailsTheTestReportsNothingGoodAndDropsTheScratchDatabase()
            throws Exception {
        for (String d : List.of("onprem", "second")) {
            Path f = copy(d);
            Files.write(f, tampered(Files.readAllBytes(f)));
        }

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  db", "FAIL  artifact", "sha256", "0 restore test(s) passed, 1 failed");
        // Nothing is reported good: not the artifact, not the load, not a check of what was loaded.
        assertThat(r.out()).doesNotContain("ok    artifact", "ok    restore", "ok    structure", "ok    rows",
                "ok    sql");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        LedgerEntry e = cli.entries("restore-test").get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
        JsonNode p = RestoreHarness.payload(e);
        assertThat(p.path("failure").asText()).contains("SHA-256");
        assertThat(p.path("checks")).allSatisfy(c -> assertThat(c.path("outcome").asText()).isEqualTo("failed"));
    }

    @Test
    void aTruncatedCopyIsRefusedBeforeAnythingTouchesTheServer() throws Exception {
        for (String d : List.of("onprem", "second")) {
            Path f = copy(d);
            byte[] b = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(b, b.length - 100));
        }

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  db", "matches its recorded SHA-256: it was not restored", "FAIL  artifact");
        assertThat(r.err()).doesNotContain("restoring into");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        JsonNode p = RestoreHarness.payload(cli.entries("restore-test").get(0));
        assertThat(p.path("restored_to").isNull()).isTrue();
        assertThat(p.path("checks")).hasSize(1);
    }

    @Test
    void aCorruptFirstCopyFoundAtTheEndOfItsStreamIsReplacedByTheOtherVerifiedCopy() throws Exception {
        Path f = copy("onprem");
        Files.write(f, tampered(Files.readAllBytes(f)));

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("PASSED  db", "ok    artifact second:", "as recorded", "onprem/db-",
                "ok    sql genuine emails: 50");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        assertThat(cli.entries("restore-test").get(0).outcome()).isEqualTo(Outcome.PASSED);
    }

    /**
     * A copy whose bytes change after a first complete read, keeping its size and CRC-32C. Hashing the
     * copy and then streaming it again (checked by size and CRC-32C only) loaded the changed bytes
     * under an artifact check that said "as recorded"; the bytes loaded must be the bytes hashed.
     */
    @Test
    void theBytesLoadedAreTheBytesWhoseHashWasChecked() throws Exception {
        Path f = copy("onprem");
        byte[] genuine = Files.readAllBytes(f);
        byte[] changed = sameCrc32c(genuine, tampered(genuine));
        assertThat(crc(changed)).isEqualTo(crc(genuine));
        assertThat(changed).isNotEqualTo(genuine).hasSameSizeAs(genuine);
        AtomicInteger opens = new AtomicInteger();
        Stores stores = Stores.of(d -> {
            LocalDirectoryStore real = new LocalDirectoryStore(d.name(), ((LocalDestination) d).path());
            return new ChangingStore(real, f.toString(), changed, opens);
        });

        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext ctx = new RestoreContext(plan.section("restore_test", RestorePlan.class).orElseThrow(),
                    plan.section("backups", BackupPlan.class).orElseThrow(), ledger, cli.clock, stores, runner, null,
                    Secrets.none());
            RestoreResult r = new RestoreTest(ctx).run(null, new RestoreTest.Options("latest", false, false))
                    .results().get(0);

            assertThat(opens.get()).isPositive();
            // What was loaded hashed to the ledger, so the genuine rows are what the checks saw.
            assertThat(r.passed()).as(r.checks().toString()).isTrue();
            assertThat(r.checks()).filteredOn(c -> c.kind().equals("sql")).singleElement()
                    .satisfies(c -> assertThat(c.detail()).startsWith("50 "));
            assertThat(ledger.query(LedgerQuery.kind(RestoreEvidence.KIND))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.PASSED));
        }
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
    }

    /** The real store, except that {@code location} reads as {@code later} from its second opening on. */
    private static final class ChangingStore implements ArtifactStore {
        private final ArtifactStore real;
        private final String location;
        private final byte[] later;
        private final AtomicInteger opens;

        ChangingStore(ArtifactStore real, String location, byte[] later, AtomicInteger opens) {
            this.real = real;
            this.location = location;
            this.later = later;
            this.opens = opens;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public PendingCopy create(String fileName) throws IOException {
            return real.create(fileName);
        }

        @Override
        public InputStream open(String l) throws IOException {
            if (l.equals(location) && opens.getAndIncrement() > 0) {
                return new ByteArrayInputStream(later);
            }
            return real.open(l);
        }

        @Override
        public boolean exists(String l) throws IOException {
            return real.exists(l);
        }

        @Override
        public long size(String l) throws IOException {
            return real.size(l);
        }

        @Override
        public void delete(String l) throws IOException {
            real.delete(l);
        }
    }

    private static long crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return c.getValue();
    }

    /**
     * {@code changed} with bits 0 and 1 of lowercase letters in its {@code -- } comment lines flipped so
     * that its CRC-32C is {@code genuine}'s (CRC-32C is linear over GF(2): any 32 independent bit flips
     * can cancel any difference). The letters stay printable comment text, so the dump loads the same.
     */
    private static byte[] sameCrc32c(byte[] genuine, byte[] changed) {
        int n = changed.length;
        long zeros = crc(new byte[n]);
        List<int[]> bits = new ArrayList<>();
        String s = new String(changed, StandardCharsets.ISO_8859_1);
        int lineStart = 0;
        while (lineStart < n && bits.size() < 400) {
            int end = s.indexOf('\n', lineStart);
            end = end < 0 ? n : end;
            if (s.startsWith("-- ", lineStart) && !s.startsWith("-- Dump completed", lineStart)) {
                for (int i = lineStart + 3; i < end; i++) {
                    if (changed[i] >= 'a' && changed[i] <= 'z') {
                        bits.add(new int[] {i, 0});
                        bits.add(new int[] {i, 1});
                    }
                }
            }
            lineStart = end + 1;
        }
        // Row k: the CRC difference one flip makes; solve sum(x_k * row_k) = target by elimination.
        long target = crc(genuine) ^ crc(changed);
        int m = bits.size();
        long[] rows = new long[m];
        for (int k = 0; k < m; k++) {
            byte[] e = new byte[n];
            e[bits.get(k)[0]] = (byte) (1 << bits.get(k)[1]);
            rows[k] = crc(e) ^ zeros;
        }
        // Gaussian elimination over 32-bit vectors, tracking which flips make up each reduced row.
        java.util.BitSet[] combo = new java.util.BitSet[m];
        for (int k = 0; k < m; k++) {
            combo[k] = new java.util.BitSet();
            combo[k].set(k);
        }
        java.util.BitSet chosen = new java.util.BitSet();
        long rest = target;
        int[] pivotRow = new int[32];
        java.util.Arrays.fill(pivotRow, -1);
        for (int k = 0; k < m; k++) {
            for (int bit = 31; bit >= 0 && rows[k] != 0; bit--) {
                if ((rows[k] >>> bit & 1) == 0) {
                    continue;
                }
                if (pivotRow[bit] < 0) {
                    pivotRow[bit] = k;
                    break;
                }
                rows[k] ^= rows[pivotRow[bit]];
                combo[k].xor(combo[pivotRow[bit]]);
            }
        }
        for (int bit = 31; bit >= 0; bit--) {
            if ((rest >>> bit & 1) != 0) {
                assertThat(pivotRow[bit]).as("enough comment letters to fix the CRC").isNotNegative();
                rest ^= rows[pivotRow[bit]];
                chosen.xor(combo[pivotRow[bit]]);
            }
        }
        assertThat(rest).isZero();
        byte[] out = changed.clone();
        chosen.stream().forEach(k -> out[bits.get(k)[0]] ^= (byte) (1 << bits.get(k)[1]));
        return out;
    }
}
