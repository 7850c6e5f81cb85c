package dev.preflight.restore;

import dev.preflight.exec.HttpCheck;
import dev.preflight.plan.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan's {@code restore_test} section (runbook §2 step 4): which backup sources are restored,
 * into which server, and which smoke checks must pass afterwards.
 *
 * @param source            the MySQL/MariaDB backup source restored into {@code target}, or null
 * @param target            the staging server the dump is restored into (a scratch database), or null
 * @param rowCountTolerance allowed relative difference between restored row counts and the counts
 *                          recorded at backup time (the source kept taking writes during the dump)
 * @param timeout           wall-clock limit of one restore
 * @param redis             the Redis backup restored into a scratch {@code redis-server}, or null
 * @param parallel          client connections a dump is loaded over at once (1: one {@code mariadb < dump})
 * @param allowEmpty        a dump with no tables passes (else it is a WARNING recorded as failed: an empty
 *                          restore proves nothing, and it must not count towards GO by default)
 */
public record RestorePlan(String source, MysqlTarget target, double rowCountTolerance, Duration timeout,
                          List<SqlCheck> sqlChecks, List<HttpCheck> httpChecks, RedisTarget redis, int parallel,
                          boolean allowEmpty) {
    /** Connections a dump is loaded over when the plan does not say: what myloader uses by default. */
    public static final int DEFAULT_PARALLEL = 4;

    public RestorePlan {
        sqlChecks = List.copyOf(sqlChecks);
        httpChecks = List.copyOf(httpChecks);
    }

    /** The backup sources this section restores, MySQL first. */
    public List<String> sources() {
        List<String> out = new ArrayList<>();
        if (source != null) {
            out.add(source);
        }
        if (redis != null) {
            out.add(redis.source());
        }
        return out;
    }

    /**
     * The staging MySQL/MariaDB server.
     *
     * @param endpoint      the server; its database is an existing one to restore into, used only with
     *                      {@code --replace}
     * @param clientCommand argv prefix of the SQL client; empty means {@code mariadb}, else {@code mysql}
     */
    public record MysqlTarget(Plan.Endpoint endpoint, List<String> clientCommand) {
        public MysqlTarget {
            clientCommand = List.copyOf(clientCommand);
        }
    }

    /**
     * A SQL assertion run against the restored database; the first column of the first row is
     * compared with {@code expect} (see {@link Expectation}).
     */
    public record SqlCheck(String name, String sql, Expectation expect) {
    }

    /**
     * Where a Redis backup is loaded: a scratch {@code redis-server} on a free loopback port.
     *
     * @param serverCommand argv prefix of the server; empty means {@code redis-server}
     * @param startTimeout  how long the server may take to start and load the RDB
     * @param allowEmpty    a snapshot with no keys passes (else a WARNING recorded as failed)
     */
    public record RedisTarget(String source, List<String> serverCommand, Duration startTimeout, boolean allowEmpty) {
        public RedisTarget {
            serverCommand = List.copyOf(serverCommand);
        }
    }
}
