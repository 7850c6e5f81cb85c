package dev.preflight.restore;

import dev.preflight.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a restore test reaches the outside world it checks: a client of the staging SQL server and a
 * scratch Redis. {@link #REAL} runs the server's own client program and a {@code redis-server}; tests
 * hand in other implementations of the same interfaces (a staging server that misbehaves) through
 * {@link RestoreContext#withDrivers}.
 */
record RestoreDrivers(StagingSql stagingSql, ScratchRedisStarter scratchRedis) {
    /** The client program and redis-server of the plan, run through the context's process runner. */
    static final RestoreDrivers REAL = new RestoreDrivers(
            (plan, runner, removeOnSignal) -> new MysqlClient(plan.target(), runner, removeOnSignal),
            (plan, runner, dir) -> RedisServerProcess.start(runner, plan.redis().serverCommand(), dir));

    /** Opens a client of {@code restore_test.target}. */
    @FunctionalInterface
    interface StagingSql {
        SqlClient open(RestorePlan plan, ProcessRunner runner, boolean removeOnSignal)
                throws IOException, InterruptedException;
    }

    /** Starts a scratch Redis on {@code dir/dump.rdb}; returns once launched (not yet loaded). */
    @FunctionalInterface
    interface ScratchRedisStarter {
        ScratchRedis start(RestorePlan plan, ProcessRunner runner, Path dir) throws IOException;
    }
}
