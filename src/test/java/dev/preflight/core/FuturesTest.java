package dev.preflight.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/** A failure on another thread reaches the waiting one as itself. */
class FuturesTest {
    private static <T> FutureTask<T> done(Callable<T> c) {
        FutureTask<T> t = new FutureTask<>(c);
        t.run();
        return t;
    }

    @Test
    void theResultOrTheFailureItselfNeverAnExecutionException() throws Exception {
        assertThat(Futures.await(done(() -> "ok"))).isEqualTo("ok");
        IOException io = new IOException("disk gone");
        assertThatThrownBy(() -> Futures.await(done(() -> {
            throw io;
        }))).isSameAs(io);
        InterruptedException ie = new InterruptedException("stopped");
        assertThatThrownBy(() -> Futures.await(done(() -> {
            throw ie;
        }))).isSameAs(ie);
        IllegalStateException bug = new IllegalStateException("bug");
        assertThatThrownBy(() -> Futures.await(done(() -> {
            throw bug;
        }))).isSameAs(bug);
        AssertionError err = new AssertionError("error");
        assertThatThrownBy(() -> Futures.await(done(() -> {
            throw err;
        }))).isSameAs(err);
        Exception other = new Exception("checked, of another kind");
        assertThatThrownBy(() -> Futures.await(done(() -> {
            throw other;
        }))).isInstanceOf(IOException.class).hasCause(other);
    }
}
