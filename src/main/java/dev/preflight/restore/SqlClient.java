package dev.preflight.restore;

import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.StdinSource;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The driver of the staging SQL server a dump is restored into and checked on: queries, a dump fed
 * whole, and the sessions of a parallel load. {@link MysqlClient} runs the server's own client
 * program; {@link RestoreContext#stagingSql} makes one. Results are the client's process results,
 * whose failures {@link MysqlClient#why} puts into words.
 */
interface SqlClient extends AutoCloseable {
    /** The client program, for messages. */
    String program();

    /** Runs SQL (tab-separated rows, no column names, UTC session) in {@code database} (null: none). */
    ProcessResult query(String database, String sql) throws IOException, InterruptedException;

    /** Feeds {@code stdin} (a dump) to a session connected to {@code database}. */
    ProcessResult feed(String database, StdinSource stdin, Duration timeout) throws IOException, InterruptedException;

    /** One session of a parallel load: statements from {@code stdin}, result rows flushed to {@code stdout}. */
    ProcessResult session(String database, StdinSource stdin, OutputStream stdout, Duration timeout)
            throws IOException, InterruptedException;

    /** Removes what the client keeps on disk (its credentials); idempotent. */
    @Override
    void close();
}
