package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.MysqlSource;
import dev.preflight.core.Futures;
import dev.preflight.core.Phases;
import dev.preflight.exec.MysqlSyntax;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

/**
 * A logical dump of one MySQL or MariaDB database by the server's own dump tool, run through the
 * {@link ProcessRunner} (argv only). Credentials go into a 0600 {@code --defaults-extra-file} that
 * is deleted afterwards. The dump is complete only when the tool exited 0, wrote no error on stderr
 * and the stream ends with the {@code -- Dump completed} trailer: an exit code alone has been seen
 * to lie.
 */
public final class MysqlProducer implements Producer {
    static final String TRAILER = "-- Dump completed";
    private static final Pattern ERROR = Pattern.compile("(?i)\\berror\\b");
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    static final String TMP_PREFIX = "preflight-my-";

    private final MysqlSource source;
    private final ProcessRunner runner;
    private final Duration timeout;
    private volatile long expected = -1;

    public MysqlProducer(MysqlSource source, ProcessRunner runner, Duration timeout) {
        this.source = source;
        this.runner = runner;
        this.timeout = timeout;
    }

    @Override
    public String extension() {
        return "sql";
    }

    @Override
    public long expectedBytes() {
        return expected;
    }

    @Override
    public Production produce(OutputStream out) throws IOException, InterruptedException {
        TailBuffer tail = new TailBuffer(out, WrittenFile.TAIL);
        return dump(new Output() {
            @Override
            public boolean pipe() {
                return true;
            }

            @Override
            public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
                return runner.stream(spec, tail);
            }

            @Override
            public String tail() {
                return tail.tail();
            }

            @Override
            public long total() {
                return tail.total();
            }
        });
    }

    @Override
    public boolean producesFile() {
        return true;
    }

    /** The dump tool writes the file itself; the trailer is judged on the last bytes the caller read of it. */
    @Override
    public Production produceFile(Path file, WrittenFile read) throws IOException, InterruptedException {
        return dump(new Output() {
            @Override
            public boolean pipe() {
                return false;
            }

            @Override
            public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
                return runner.streamToFile(spec, file);
            }

            @Override
            public String tail() throws IOException, InterruptedException {
                return read.end();
            }

            @Override
            public long total() {
                return read.length();
            }
        });
    }

    /** The server's clock ({@code SELECT UTC_TIMESTAMP(6)}), through the client and a 0600 option file. */
    @Override
    public Optional<Instant> serverNow() throws IOException, InterruptedException {
        try (PrivateTemp tmp = PrivateTemp.create(TMP_PREFIX)) {
            List<String> client = client();
            ProcessResult r = query(client, optionFileIn(tmp), "SELECT UTC_TIMESTAMP(6)");
            if (!r.ok()) {
                throw new IOException("cannot read the server's clock with " + client.get(0) + ": " + firstLine(r));
            }
            try {
                return Optional.of(LocalDateTime.parse(r.stdout().strip().replace(' ', 'T')).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                throw new IOException("the server's clock reads '" + r.stdout().strip() + "'");
            }
        }
    }

    /** Where the dump's stdout goes, and how its end and length are read afterwards. */
    private interface Output {
        /** True when the tool writes into a pipe (its stdio buffer then matters). */
        boolean pipe();

        ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException;

        /** The last bytes written, once the tool is done (asked before {@link #total()}). */
        String tail() throws IOException, InterruptedException;

        long total();
    }

    private Production dump(Output output) throws IOException, InterruptedException {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("database", source.endpoint().database());
        facts.put("host", source.endpoint().host() + ":" + source.endpoint().port());
        // Removed in the finally below, and on SIGINT/SIGTERM by its hook: the password never lingers.
        PrivateTemp tmp = PrivateTemp.create(TMP_PREFIX);
        try {
            String defaultsArg = optionFileIn(tmp);
            List<String> client = client();
            List<String> dump = source.dumpCommand().isEmpty() ? firstInstalled("mariadb-dump", "mysqldump")
                    : source.dumpCommand();
            Map<String, Object> server = new LinkedHashMap<>();
            Callable<String> metadata = () -> metadata(client, defaultsArg, server);
            FutureTask<String> during = null;
            Thread beside = null;
            if (mariadbTool(dump)) {
                // MariaDB's tool takes the same options whatever the server, so the dump need not wait
                // for the two queries (two client processes, 30 ms of a 100 MB backup's fixed cost):
                // they run beside it and are judged first when it has exited, as if they had come first.
                during = new FutureTask<>(metadata);
                beside = new Thread(during, "preflight-dump-metadata");
                beside.setDaemon(true);
                beside.start();
            } else {
                String failed = metadata(client, defaultsArg, server);
                if (failed != null) {
                    facts.putAll(server);
                    return Production.failed(failed, facts);
                }
            }
            List<String> argv = new ArrayList<>();
            if (!output.pipe() && installed("setpriv")) {
                // Writing a file, the tool no longer dies of a closed pipe when Preflight is killed
                // outright (SIGKILL, the OOM killer): util-linux's setpriv has the kernel send it
                // SIGTERM when its parent goes, instead of it dumping on, a transaction open, for
                // nobody. (SIGTERM and SIGINT to Preflight kill it through the runner.)
                argv.addAll(List.of("setpriv", "--pdeathsig", "TERM", "--"));
            }
            if (output.pipe() && installed("stdbuf")) {
                // The dump tool writes its stdout through stdio in 4 KiB pieces: into a pipe, each
                // one wakes the reader, which cost a third more wall time than writing a file
                // (measured: 14.7 s vs 10.2 s for 1.1 GB). coreutils' stdbuf gives it a 4 MiB
                // buffer instead (10.8 s); the tool's exit status passes through unchanged.
                argv.addAll(List.of("stdbuf", "-o", "4M"));
            }
            argv.addAll(dump);
            // The option file must be the first argument or the tool ignores it.
            argv.add(defaultsArg);
            argv.addAll(List.of("--single-transaction", "--routines", "--triggers", "--events"));
            if (during == null && !"mariadb".equals(server.get("flavor"))) {
                // MySQL only: MariaDB's tool refuses it, and on MySQL 8.0.32+ OFF avoids a global read lock.
                argv.add("--set-gtid-purged=OFF");
            }
            argv.add(source.endpoint().database());
            Phases.mark("dump-start");
            ProcessResult r = null;
            try {
                r = output.run(ProcessSpec.of(argv).withTimeout(timeout));
            } finally {
                if (during != null) {
                    if (r == null) {
                        // The dump was interrupted or could not be read: the queries are stopped too.
                        during.cancel(true);
                    }
                    // The option file is removed below: the queries must be done with it first.
                    awaitQuietly(during, beside);
                }
            }
            Phases.mark("dump-exited");
            if (during != null) {
                String failed = metadataResult(during);
                if (failed != null) {
                    facts.putAll(server);
                    return Production.failed(failed, facts);
                }
            }
            facts.putAll(server);
            facts.put("dump_tool", dump.get(0));
            String tail = output.tail();
            facts.put("dump_bytes", output.total());
            return judge(r, tail, dump.get(0), facts);
        } finally {
            tmp.close();
        }
    }

    /**
     * The server's version and flavour and the tables' row and size estimates, into {@code server};
     * the failure as the backup reports it, or null.
     */
    private String metadata(List<String> client, String defaultsArg, Map<String, Object> server)
            throws IOException, InterruptedException {
        ProcessResult v = query(client, defaultsArg, "SELECT VERSION()");
        if (!v.ok()) {
            return "cannot read the server version with " + client.get(0) + ": " + firstLine(v);
        }
        Phases.mark("dump-version-query");
        String version = v.stdout().strip();
        boolean mariadb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        server.put("server_version", version);
        server.put("flavor", mariadb ? "mariadb" : "mysql");

        ProcessResult t = query(client, defaultsArg, "SELECT TABLE_NAME, TABLE_TYPE, IFNULL(TABLE_ROWS, ''), "
                + "IFNULL(DATA_LENGTH, 0) "
                + "FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + MysqlSyntax.literal(source.endpoint().database())
                + " ORDER BY TABLE_NAME");
        if (!t.ok()) {
            return "cannot list the tables of " + source.endpoint().database() + ": " + firstLine(t);
        }
        Phases.mark("dump-tables-query");
        Map<String, Object> rows = new LinkedHashMap<>();
        List<String> views = new ArrayList<>();
        long dataBytes = 0;
        for (String line : t.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length < 4) {
                continue;
            }
            dataBytes += f[3].isEmpty() ? 0 : Long.parseLong(f[3]);
            if (f[1].contains("VIEW")) {
                views.add(f[0]);
            } else {
                rows.put(f[0], f[2].isEmpty() ? null : Long.parseLong(f[2]));
            }
        }
        server.put("table_rows_estimate", rows);
        server.put("views", views);
        // A logical dump is roughly as large as the table data: good enough for an ETA.
        expected = dataBytes > 0 ? dataBytes : -1;
        return null;
    }

    /**
     * Whether the dump tool is MariaDB's own ({@code mariadb-dump}, by the name it is run as), which
     * refuses {@code --set-gtid-purged} whatever the server: its options do not depend on the server's
     * flavour, so the dump can start before the version is known.
     */
    static boolean mariadbTool(List<String> dump) {
        Path name = Path.of(dump.get(0)).getFileName();
        return name != null && name.toString().equals("mariadb-dump");
    }

    /**
     * Waits until the queries beside the dump are done (a cancelled task's thread too, for it may
     * still be reading the option file); an interrupt stops them and is kept for the caller to see.
     */
    private static void awaitQuietly(FutureTask<String> task, Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
                task.cancel(true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The outcome of the queries that ran beside the dump: a failure as the backup reports it, or null. */
    private static String metadataResult(FutureTask<String> task) throws IOException, InterruptedException {
        try {
            return Futures.await(task);
        } catch (CancellationException e) {
            throw new InterruptedException("interrupted while reading the server's metadata");
        }
    }

    /** Exit 0, no error on stderr and the trailer at the end: all three, or it is not a backup. */
    static Production judge(ProcessResult r, String tail, String tool, Map<String, Object> facts) {
        if (r.startFailure() != null) {
            return Production.failed(r.startFailure(), facts);
        }
        if (r.timedOut()) {
            return Production.failed(tool + " timed out and was killed", facts);
        }
        if (r.exitCode() != 0) {
            return Production.failed(tool + " exited " + r.exitCode() + stderrSuffix(r.stderr()), facts);
        }
        for (String line : r.stderr().split("\n")) {
            if (ERROR.matcher(line).find()) {
                return Production.failed(tool + " exited 0 but reported an error: " + line.strip(), facts);
            }
        }
        if (!endsWithTrailer(tail)) {
            return Production.failed(tool + " exited 0 but the dump does not end with '" + TRAILER
                    + "' (truncated or written without comments): incomplete", facts);
        }
        return Production.complete(facts);
    }

    /** The last non-empty line starts with the trailer. */
    static boolean endsWithTrailer(String tail) {
        String t = tail.stripTrailing();
        int nl = t.lastIndexOf('\n');
        return t.substring(nl + 1).startsWith(TRAILER);
    }

    private ProcessResult query(List<String> client, String defaultsArg, String sql)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(client);
        argv.add(defaultsArg);
        argv.addAll(List.of("--batch", "--skip-column-names", "--raw", "-e", sql));
        return runner.run(ProcessSpec.of(argv).withTimeout(PROBE_TIMEOUT));
    }

    /** The program is on this machine (as the runner finds programs). */
    private boolean installed(String program) throws IOException, InterruptedException {
        return runner.installed(program);
    }

    /** The first of the programs that is installed, else the first one. */
    private List<String> firstInstalled(String... programs) throws IOException, InterruptedException {
        for (String p : programs) {
            if (installed(p)) {
                return List.of(p);
            }
        }
        return List.of(programs[0]);
    }

    /**
     * Writes the credentials into a 0600 option file in {@code tmp} and returns the argument that names
     * it ({@code --defaults-extra-file=...}, which must come first): never on the command line.
     */
    private String optionFileIn(PrivateTemp tmp) throws IOException {
        Path defaults = tmp.path().resolve("client.cnf");
        Files.createFile(defaults, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(defaults, optionFile(), StandardCharsets.UTF_8);
        return "--defaults-extra-file=" + defaults;
    }

    /** The SQL client's argv prefix: the plan's, else {@code mariadb}, else {@code mysql}. */
    private List<String> client() throws IOException, InterruptedException {
        return source.clientCommand().isEmpty() ? firstInstalled("mariadb", "mysql") : source.clientCommand();
    }

    /** The [client] option file; values double-quoted so '#', spaces and quotes survive. */
    private String optionFile() {
        return MysqlSyntax.clientOptions(source.endpoint().host(), source.endpoint().port(), source.endpoint().user(),
                source.endpoint().password() == null ? null : source.endpoint().password().value());
    }

    private static String firstLine(ProcessResult r) {
        String s = r.stderr().isBlank() ? "exit " + r.exitCode() : r.stderr().strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String stderrSuffix(String stderr) {
        String s = stderr.strip();
        if (s.isEmpty()) {
            return "";
        }
        int nl = s.indexOf('\n');
        return ": " + (nl < 0 ? s : s.substring(0, nl));
    }
}
