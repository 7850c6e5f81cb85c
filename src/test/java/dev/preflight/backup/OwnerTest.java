package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Owners written into names, read back, and judged: this process lives, a dead or reused pid does not. */
class OwnerTest {
    @Test
    void tokensRoundTrip() {
        Owner me = Owner.me();
        assertThat(me.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(me.startSecond()).isPositive();
        assertThat(Owner.parseFileToken(me.fileToken())).contains(me);
        assertThat(Owner.parseDbToken(me.dbToken())).contains(me);
        assertThat(me.dbToken()).matches("[0-9a-z_]+").hasSizeLessThanOrEqualTo(19);
        assertThat(Owner.parseFileToken("12345")).isEmpty();
        assertThat(Owner.parseDbToken("20260101010101")).isEmpty();
    }

    @Test
    void thisProcessIsLiveAndADeadOrReusedPidOrAnotherHostIsNot() throws Exception {
        Owner me = Owner.me();
        assertThat(me.state()).isEqualTo(Owner.State.LIVE);
        // The same pid with another start time: the pid was reused, the owner is gone.
        assertThat(new Owner(me.pid(), me.startSecond() - 3600, me.host()).state()).isEqualTo(Owner.State.GONE);
        assertThat(new Owner(me.pid(), me.startSecond(), "000000".equals(me.host()) ? "111111" : "000000").state())
                .isEqualTo(Owner.State.OTHER_HOST);
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(new Owner(p.pid(), me.startSecond(), me.host()).state()).isEqualTo(Owner.State.GONE);
        // Old names: a live java process of ours that started before the leftover is taken as its owner.
        assertThat(Owner.legacyState(me.pid(), Instant.now())).isEqualTo(Owner.State.LIVE);
        assertThat(Owner.legacyState(me.pid(), Instant.EPOCH)).isEqualTo(Owner.State.GONE);
        assertThat(Owner.legacyState(p.pid(), Instant.now())).isEqualTo(Owner.State.GONE);
    }

    @Test
    void partialCopiesNameTheirOwner() {
        Owner me = Owner.me();
        assertThat(Leftovers.partialOwner(".db-2026.sql.gz." + me.fileToken() + ".123456789.partial")).contains(me);
        assertThat(Leftovers.partialOwner(".db-2026.sql.gz.123456789.partial")).isEmpty();
    }
}
