package dev.preflight.restore;

import dev.preflight.backup.PrivateTemp;
import dev.preflight.exec.MysqlSyntax;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.exec.StdinSource;
import dev.preflight.plan.Plan;
import dev.preflight.restore.RestorePlan.MysqlTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The staging server's own SQL client ({@code mariadb} or {@code mysql}) run through the
 * {@link ProcessRunner}: credentials in a 0600 {@code --defaults-extra-file} (the first argument,
 * or the tool ignores it) that is deleted on {@link #close()}, never on argv.
 */
final class MysqlClient implements SqlClient {
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(10);

    private final ProcessRunner runner;
    private final List<String> client;
    static final String TMP_PREFIX = "preflight-restore-";

    private final PrivateTemp dir;
    private final Path defaults;

    /**
     * @param onSignal remove the option file from a shutdown hook too; false when the caller's own
     *                 hook still needs it (to drop the scratch database) and closes it afterwards
     */
    MysqlClient(MysqlTarget target, ProcessRunner runner, boolean onSignal) throws IOException, InterruptedException {
        this.runner = runner;
        this.dir = PrivateTemp.create(TMP_PREFIX, onSignal);
        this.defaults = dir.path().resolve("client.cnf");
        try {
            writeOptions(target);
            this.client = target.clientCommand().isEmpty() ? firstInstalled("mariadb", "mysql") : target.clientCommand();
        } catch (IOException | InterruptedException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private void writeOptions(MysqlTarget target) throws IOException {
        Files.createFile(defaults, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Plan.Endpoint e = target.endpoint();
        Files.writeString(defaults, MysqlSyntax.clientOptions(e.host(), e.port(), e.user(),
                e.password() == null ? null : e.password().value()), StandardCharsets.UTF_8);
    }

    @Override
    public String program() {
        return client.get(0);
    }

    @Override
    public ProcessResult query(String database, String sql) throws IOException, InterruptedException {
        List<String> argv = argv(database);
        argv.addAll(List.of("--batch", "--skip-column-names", "--raw", "--init-command=SET time_zone='+00:00'",
                "-e", sql));
        return runner.run(ProcessSpec.of(argv).withTimeout(QUERY_TIMEOUT));
    }

    @Override
    public ProcessResult feed(String database, StdinSource stdin, Duration timeout) throws IOException, InterruptedException {
        List<String> argv = argv(database);
        argv.add("--batch");
        return runner.run(ProcessSpec.of(argv).withStdin(stdin).withTimeout(timeout));
    }

    /**
     * One connection of a parallel load: statements from {@code stdin}; result rows (the load's order
     * tokens) flushed to {@code stdout} as each statement completes ({@code --unbuffered}).
     */
    @Override
    public ProcessResult session(String database, StdinSource stdin, OutputStream stdout, Duration timeout)
            throws IOException, InterruptedException {
        List<String> argv = argv(database);
        argv.addAll(List.of("--batch", "--skip-column-names", "--unbuffered"));
        return runner.stream(ProcessSpec.of(argv).withStdin(stdin).withTimeout(timeout), stdout);
    }

    private List<String> argv(String database) {
        List<String> argv = new ArrayList<>(client);
        argv.add("--defaults-extra-file=" + defaults);
        if (database != null) {
            argv.add("--database=" + database);
        }
        return argv;
    }

    private List<String> firstInstalled(String... programs) throws IOException, InterruptedException {
        for (String p : programs) {
            if (runner.installed(p)) {
                return List.of(p);
            }
        }
        return List.of(programs[0]);
    }

    /** The first line of stderr, or the exit status. */
    static String why(ProcessResult r) {
        if (r.startFailure() != null) {
            return r.startFailure();
        }
        if (r.timedOut()) {
            return "timed out";
        }
        String s = r.stderr().strip();
        if (s.isEmpty()) {
            return "exit " + r.exitCode();
        }
        // In batch mode the client may echo the failed statement between dashed lines first: the
        // line that says what went wrong is the ERROR one.
        for (String line : s.split("\n")) {
            if (line.startsWith("ERROR ")) {
                return line.length() > 500 ? line.substring(0, 500) + "..." : line;
            }
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Deletes the option file and its directory; idempotent. */
    @Override
    public void close() {
        dir.close();
    }
}
