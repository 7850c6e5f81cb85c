package dev.preflight.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The driver of a scratch Redis that one RDB is loaded into: where it listens, whether it finished
 * loading, what it holds, and stopping it. {@link RedisServerProcess} is a {@code redis-server} this
 * tool starts itself; {@link RestoreContext#scratchRedis} makes one.
 */
interface ScratchRedis {
    /** The loopback port it listens on. */
    int port();

    /** The directory it runs in (the RDB is {@code dump.rdb} there). */
    Path dir();

    /** Waits until it answers and has finished loading; null when ready, else why not. */
    String awaitLoaded(Duration timeout) throws InterruptedException;

    /** Keys per database as the server reports them ({@code INFO keyspace}). */
    Map<Integer, Long> keysPerDb() throws IOException;

    /** Stops it and removes its directory; says what it did. Idempotent. */
    String stop() throws IOException, InterruptedException;
}
