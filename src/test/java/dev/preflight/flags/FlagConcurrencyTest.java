package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.ExitCode;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.flags.FlagsToggle.ToggleRequest;
import dev.preflight.flags.FlagsToggle.ToggleResult;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two toggles of different flags in the same file at the same moment: both land, none is lost,
 * and the ledger has both. Each round flips both flags, so a lost update shows as a wrong value.
 */
class FlagConcurrencyTest {
    @TempDir
    Path dir;

    private FlagsContext service(Ledger ledger) {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        return new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(), ledger,
                Clock.systemUTC(), dir);
    }

    private Map<String, Boolean> staging(Ledger ledger) {
        EnvSnapshot s = new FlagFiles(service(ledger)).read("staging");
        assertThat(s.problems()).isEmpty();
        return s.booleans();
    }

    @Test
    void twoThreadsTogglingTheSameFileBothLandEveryRound() throws Exception {
        FlagFixture.write(dir);
        int rounds = 20;
        // One ledger connection per thread, as two separate invocations would have.
        try (Ledger l1 = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "alice@host", Clock.systemUTC());
             Ledger l2 = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "bob@host", Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < rounds; i++) {
                    boolean webauthn = i % 2 == 0; // starts off: on, off, on, ...
                    boolean communities = i % 2 == 1; // starts on: off, on, off, ...
                    CountDownLatch go = new CountDownLatch(1);
                    Future<ToggleResult> a = pool.submit(() -> {
                        go.await();
                        return new FlagsToggle(service(l1)).run(new ToggleRequest("webauthn", webauthn, "staging", "round", null));
                    });
                    Future<ToggleResult> b = pool.submit(() -> {
                        go.await();
                        return new FlagsToggle(service(l2)).run(new ToggleRequest("communities", communities, "staging", "round", null));
                    });
                    go.countDown();
                    assertThat(a.get(60, TimeUnit.SECONDS)).isInstanceOf(ToggleResult.Changed.class);
                    assertThat(b.get(60, TimeUnit.SECONDS)).isInstanceOf(ToggleResult.Changed.class);
                    assertThat(staging(l1)).isEqualTo(Map.of("communities", communities, "webauthn", webauthn));
                }
            } finally {
                pool.shutdownNow();
            }
            List<LedgerEntry> toggles = l1.query(LedgerQuery.kind("flag-toggle"));
            assertThat(toggles).hasSize(2 * rounds).allMatch(e -> e.outcome() == Outcome.PASSED);
            assertThat(toggles).filteredOn(e -> e.actor().equals("alice@host")).hasSize(rounds)
                    .allMatch(e -> e.subject().equals("webauthn@staging"));
            assertThat(toggles).filteredOn(e -> e.actor().equals("bob@host")).hasSize(rounds)
                    .allMatch(e -> e.subject().equals("communities@staging"));
            // The hashes chain: each toggle's "before" is the previous toggle's "after".
            for (int i = 1; i < toggles.size(); i++) {
                assertThat(Json.parse(toggles.get(i).payload()).path("sha256_before").asText())
                        .isEqualTo(Json.parse(toggles.get(i - 1).payload()).path("sha256_after").asText());
            }
            assertThat(l1.verify()).isInstanceOf(VerifyResult.Intact.class);
        }
        // An even number of flips of each flag: the file is back to its original bytes.
        assertThat(new String(Files.readAllBytes(dir.resolve("app/.env.staging")), StandardCharsets.UTF_8))
                .isEqualTo(FlagFixture.STAGING);
    }

    @Test
    void twoProcessesTogglingTheSameFileBothLand() throws Exception {
        Path plan = FlagFixture.write(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<Process> procs = new ArrayList<>();
        for (String[] t : List.of(new String[] {"webauthn", "--on"}, new String[] {"communities", "--off"})) {
            procs.add(new ProcessBuilder(java, "-cp", cp, "dev.preflight.cli.Main", "--plan", plan.toString(),
                    "flags", "toggle", t[0], t[1], "--env", "staging", "--reason", "two processes")
                    .redirectErrorStream(true).redirectOutput(dir.resolve(t[0] + ".out").toFile()).start());
        }
        for (Process p : procs) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        for (String f : List.of("webauthn", "communities")) {
            assertThat(Files.readString(dir.resolve(f + ".out"))).contains("TOGGLED: " + f + " in staging");
        }
        assertThat(procs).allMatch(p -> p.exitValue() == 0);
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t", Clock.systemUTC())) {
            assertThat(staging(l)).isEqualTo(Map.of("communities", false, "webauthn", true));
            assertThat(l.query(LedgerQuery.kind("flag-toggle"))).extracting(LedgerEntry::subject)
                    .containsExactlyInAnyOrder("webauthn@staging", "communities@staging");
        }
        assertThat(new String(Files.readAllBytes(dir.resolve("app/.env.staging")), StandardCharsets.UTF_8))
                .isEqualTo(FlagFixture.STAGING.replace("\"communities\": true, \"webauthn\": false",
                        "\"communities\": false, \"webauthn\": true"));
    }

    @Test
    void twoProcessesFlippingFlagsOfTheSameFileManyTimesLoseNothing() throws Exception {
        Path plan = FlagFixture.write(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        int flips = 25;
        List<Process> procs = new ArrayList<>();
        for (String flag : List.of("webauthn", "communities")) {
            procs.add(new ProcessBuilder(java, "-cp", cp, ToggleMain.class.getName(), plan.toString(), flag,
                    Integer.toString(flips)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(flag + ".out").toFile()).start());
        }
        while (!(Files.exists(dir.resolve("ready-webauthn")) && Files.exists(dir.resolve("ready-communities")))
                && procs.stream().allMatch(Process::isAlive)) {
            Thread.sleep(10);
        }
        Files.createFile(dir.resolve("go"));
        for (Process p : procs) {
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(procs).allMatch(p -> p.exitValue() == 0);
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t", Clock.systemUTC())) {
            List<LedgerEntry> toggles = l.query(LedgerQuery.kind("flag-toggle"));
            assertThat(toggles).hasSize(2 * flips).allMatch(e -> e.outcome() == Outcome.PASSED);
            // No lost update: every toggle started from the bytes the previous one (of either process) wrote.
            for (int i = 1; i < toggles.size(); i++) {
                assertThat(Json.parse(toggles.get(i).payload()).path("sha256_before").asText())
                        .isEqualTo(Json.parse(toggles.get(i - 1).payload()).path("sha256_after").asText());
            }
            // An odd number of flips of each flag (25): both end opposite to where they started.
            assertThat(staging(l)).isEqualTo(Map.of("communities", false, "webauthn", true));
        }
    }

    @Test
    void aToggleWaitingForAHungHolderGivesUpWithExitThreeAndTouchesNothing() throws Exception {
        FlagFixture.write(dir);
        Path staging = dir.resolve("app/.env.staging");
        byte[] before = Files.readAllBytes(staging);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try {
                DotenvIo.withLock(staging, () -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        holder.start();
        held.await();
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t", Clock.systemUTC())) {
            Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
            FlagsContext s = new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(), l,
                    Clock.systemUTC(), dir, Duration.ofMillis(200));
            Assertions.assertThatThrownBy(() -> new FlagsToggle(s).run(
                            new ToggleRequest("webauthn", true, "staging", "qa", null)))
                    .isInstanceOfSatisfying(PreflightException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.UNEXPECTED_STATE);
                        assertThat(e.getMessage()).contains("another toggle has held", ".env.staging.lock");
                    });
            assertThat(l.query(LedgerQuery.kind("flag-toggle"))).isEmpty();
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(Files.readAllBytes(staging)).isEqualTo(before);
    }

    @Test
    void aLockHeldByAnotherProcessMakesTheToggleWaitThenGiveUp() throws Exception {
        FlagFixture.write(dir);
        Path staging = dir.resolve("app/.env.staging");
        byte[] before = Files.readAllBytes(staging);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), staging.toString()).inheritIO().start();
        try {
            while (!Files.exists(dir.resolve("app/held")) && holder.isAlive()) {
                Thread.sleep(10);
            }
            assertThat(holder.isAlive()).isTrue();
            try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t", Clock.systemUTC())) {
                Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
                List<String> said = new CopyOnWriteArrayList<>();
                FlagsContext s = new FlagsContext("demo", plan.section("feature_flags", FlagsPlan.class).orElseThrow(), l,
                        Clock.systemUTC(), dir, Duration.ofMillis(300), said::add);
                Assertions.assertThatThrownBy(() -> new FlagsToggle(s).run(
                                new ToggleRequest("webauthn", true, "staging", "qa", null)))
                        .isInstanceOfSatisfying(PreflightException.class,
                                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNEXPECTED_STATE));
                // The wait was not silent: said once, naming the lock and how long it waits at most.
                assertThat(said).singleElement().asString().contains(".env.staging.lock", "another toggle holds it",
                        "giving up after 300 ms");
            }
            assertThat(Files.readAllBytes(staging)).isEqualTo(before);
        } finally {
            Files.createFile(dir.resolve("app/release"));
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        // Once the other process lets go, the toggle goes through.
        try (Ledger l = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "t", Clock.systemUTC())) {
            assertThat(new FlagsToggle(service(l)).run(new ToggleRequest("webauthn", true, "staging", "qa", null)))
                    .isInstanceOf(ToggleResult.Changed.class);
        }
    }
}
