package dev.preflight.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.PgDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Advisory locks in a real PostgreSQL database: exclusive across sessions, naming the holder, freed on release. */
class PgAdvisoryLocksTest {
    private static final Instant SINCE = Instant.parse("2026-11-24T10:00:00Z");

    private static LockProvider.LockName cutover(String env) {
        return new LockProvider.LockName("cutover", env, Path.of("unused.lock"));
    }

    @Test
    void aSecondSessionIsRefusedNamingTheHolderAndGetsTheLockOnceReleased() throws Exception {
        try (PgDatabase pg = new PgDatabase()) {
            PgAdvisoryLocks locks = new PgAdvisoryLocks(pg.url(), "academy");
            LockHolder me = new LockHolder("ops@bastion-a", 4242, SINCE, "cutover start");
            LockProvider.Attempt first = locks.tryAcquire(cutover("production"), me);
            assertThat(first.lock()).isPresent();

            LockProvider.Attempt second = locks.tryAcquire(cutover("production"),
                    new LockHolder("ops@bastion-b", 7, SINCE, "cutover resume"));
            assertThat(second.lock()).isEmpty();
            assertThat(second.heldBy()).startsWith("ops@bastion-a pid 4242 since 2026-11-24T10:00:00Z (preflight cutover "
                    + "start), PostgreSQL session ");
            // Another environment, or another project's same environment, is another lock.
            try (ExclusiveLock other = locks.tryAcquire(cutover("staging"), me).lock().orElseThrow();
                 ExclusiveLock otherProject = new PgAdvisoryLocks(pg.url(), "billing")
                         .tryAcquire(cutover("production"), me).lock().orElseThrow()) {
                assertThat(other).isNotNull();
                assertThat(otherProject).isNotNull();
            }

            first.lock().get().close();
            LockProvider.Attempt third = locks.tryAcquire(cutover("production"), me);
            assertThat(third.lock()).isPresent();
            third.lock().get().close();
            assertThat(locks.where(cutover("production"))).isEqualTo("PostgreSQL advisory lock "
                    + "'preflight:cutover:academy:production' (key " + locks.key(cutover("production"))
                    + ") in the ledger database 127.0.0.1:5432/" + pg.name);
        }
    }

    @Test
    void theHolderFitsIntoApplicationNameDroppingTheCommandThenTheDomain() {
        LockHolder shortOne = new LockHolder("root@b1", 12, SINCE, "backup run");
        assertThat(PgAdvisoryLocks.applicationName(shortOne)).isEqualTo("preflight 12 1795514400 root@b1 backup run");
        assertThat(PgAdvisoryLocks.parse(PgAdvisoryLocks.applicationName(shortOne))).isEqualTo(shortOne);

        LockHolder longOne = new LockHolder("deploy@bastion-eu-west-1.internal.example.com", 4194304, SINCE,
                "cutover start");
        String name = PgAdvisoryLocks.applicationName(longOne);
        assertThat(name).hasSizeLessThanOrEqualTo(63).isEqualTo("preflight 4194304 1795514400 deploy@bastion-eu-west-1");
        assertThat(PgAdvisoryLocks.parse(name).line()).isEqualTo("deploy@bastion-eu-west-1 pid 4194304 since "
                + "2026-11-24T10:00:00Z");
        assertThat(PgAdvisoryLocks.parse("psql")).isNull();
    }

    @Test
    void unreachableDatabaseIsAnIoErrorNamingItWithoutCredentials() {
        PgAdvisoryLocks locks = new PgAdvisoryLocks("jdbc:postgresql://127.0.0.1:1/ledger?user=ops&password=hunter2", "p");
        Assertions.assertThatThrownBy(() -> locks.tryAcquire(cutover("x"),
                        LockHolder.me(SINCE, null)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to the ledger database 127.0.0.1:1/ledger")
                .hasMessageNotContaining("hunter2");
        assertThat(locks.where(cutover("x"))).doesNotContain("hunter2").doesNotContain("ops");
    }
}
