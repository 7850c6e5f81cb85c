package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.StdinSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parallel load's ordering and failure handling, with clients that are a real implementation
 * of {@link ParallelLoad.Session}: each reads its stdin line by line like the mysql client, takes a
 * random short time per statement, stamps each one with a global clock when it "executes", and
 * echoes the load's tokens. (The real client against the real server is in MysqlRestoreTest.)
 */
@Timeout(60)
class ParallelLoadTest {
    private final AtomicLong clock = new AtomicLong();
    /** Statement text to the connection and clock stamp it executed at. */
    private final Map<String, long[]> executed = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();

    /** A client: reads statements, "executes" them, prints tokens; fails on a line containing {@code failOn}. */
    private ParallelLoad.Session client(String failOn) {
        return (stdin, stdout) -> {
            int me = connections.getAndIncrement();
            PipedInputStream in = new PipedInputStream(1 << 16);
            PipedOutputStream pipe = new PipedOutputStream(in);
            Thread feeder = new Thread(() -> {
                try (pipe) {
                    stdin.writeTo(pipe);
                } catch (IOException e) {
                    // The client stopped reading: as with a real program, that is not the feeder's error.
                }
            });
            feeder.start();
            Random random = new Random(me);
            int exit = 0;
            String err = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (failOn != null && line.contains(failOn)) {
                        exit = 1;
                        err = "ERROR 1064 (42000) at line 3: You have an error in your SQL syntax";
                        break;
                    }
                    if (line.startsWith("SELECT 'preflight-sync-")) {
                        stdout.write((line.substring(8, line.lastIndexOf('\'')) + "\n").getBytes(StandardCharsets.UTF_8));
                        stdout.flush();
                        continue;
                    }
                    if (random.nextInt(4) == 0) {
                        Thread.sleep(1);
                    }
                    executed.put(line + "#" + me, new long[] {me, clock.incrementAndGet()});
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The program is gone: like LocalProcessRunner, stop a feeder still waiting to send.
            in.close();
            feeder.interrupt();
            feeder.join();
            return new ProcessResult(exit, "", err, false, false, 0, Duration.ZERO, null);
        };
    }

    private static final String DUMP;

    static {
        StringBuilder d = new StringBuilder("/*!40101 SET NAMES utf8mb4 */;\n");
        for (String t : List.of("a", "b")) {
            d.append("CREATE TABLE `").append(t).append("` (id int);\n");
            for (int i = 0; i < 40; i++) {
                d.append("INSERT INTO `").append(t).append("` VALUES (").append(i).append(",'x;y');\n");
            }
            d.append("DELIMITER ;;\n/*!50003 TRIGGER ").append(t).append("_ai */;;\nDELIMITER ;\n");
        }
        d.append("/*!50001 VIEW `v` AS select 1 */;\n");
        DUMP = d.toString();
    }

    private ProcessResult load(int n, String failOn) throws Exception {
        ParallelLoad load = new ParallelLoad(n, client(failOn));
        DumpSplitter split = new DumpSplitter(load);
        byte[] b = DUMP.getBytes(StandardCharsets.UTF_8);
        boolean complete = false;
        try {
            split.write(b, 0, b.length);
            split.finish();
            complete = true;
        } catch (ParallelLoad.ConnectionEnded e) {
            // The failed connection's result says why.
        }
        return load.finish(complete);
    }

    private long[] at(String statement) {
        List<long[]> found = new ArrayList<>();
        executed.forEach((k, v) -> {
            if (k.substring(0, k.lastIndexOf('#')).equals(statement)) {
                found.add(v);
            }
        });
        assertThat(found).as(statement).hasSize(1);
        return found.get(0);
    }

    @Test
    void rowsSpreadOverTheConnectionsAndEverythingElseKeepsDumpOrder() throws Exception {
        ProcessResult r = load(4, null);

        assertThat(r.ok()).isTrue();
        // Every row once; the session setting on every connection.
        assertThat(executed.keySet().stream().filter(k -> k.startsWith("INSERT"))).hasSize(80);
        assertThat(executed.keySet().stream().filter(k -> k.startsWith("/*!40101 SET NAMES"))).hasSize(4);
        assertThat(executed.values().stream().map(v -> v[0]).distinct()).hasSizeGreaterThan(1);
        // Everything in order runs on one connection (the clients number themselves as they start,
        // so which number that is depends on thread scheduling).
        long inOrder = at("CREATE TABLE `a` (id int);")[0];
        for (String t : List.of("a", "b")) {
            long[] create = at("CREATE TABLE `" + t + "` (id int);");
            long[] trigger = at("/*!50003 TRIGGER " + t + "_ai */;;");
            assertThat(create[0]).isEqualTo(inOrder);
            assertThat(trigger[0]).isEqualTo(inOrder);
            for (int i = 0; i < 40; i++) {
                long[] row = at("INSERT INTO `" + t + "` VALUES (" + i + ",'x;y');");
                // No row before its table exists; no trigger before every row of its table is in.
                assertThat(row[1]).isGreaterThan(create[1]).isLessThan(trigger[1]);
            }
        }
        long[] view = at("/*!50001 VIEW `v` AS select 1 */;");
        assertThat(view[0]).isEqualTo(inOrder);
        assertThat(view[1]).isGreaterThan(at("/*!50003 TRIGGER b_ai */;;")[1]);
    }

    @Test
    void oneConnectionFailingStopsTheLoadAndItsResultIsTheOneReturned() throws Exception {
        ProcessResult r = load(3, "VALUES (17,");

        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("ERROR 1064");
        // Nothing in order ran after the failure: the first table's trigger never came.
        assertThat(executed.keySet()).noneMatch(k -> k.startsWith("/*!50003 TRIGGER a_ai"));
    }

    @Test
    void statementsLargerThanTheQueueBoundStillFlow() throws Exception {
        ParallelLoad load = new ParallelLoad(2, client(null));
        DumpSplitter split = new DumpSplitter(load);
        byte[] head = "CREATE TABLE `big` (b longblob);\n".getBytes(StandardCharsets.UTF_8);
        split.write(head, 0, head.length);
        String blob = "z".repeat(20 << 20);
        for (int i = 0; i < 3; i++) {
            byte[] row = ("INSERT INTO `big` VALUES ('" + i + blob + "');\n").getBytes(StandardCharsets.UTF_8);
            split.write(row, 0, row.length);
        }
        split.finish();

        assertThat(load.finish(true).ok()).isTrue();
        assertThat(executed.keySet().stream().filter(k -> k.startsWith("INSERT"))).hasSize(3);
    }

    @Test
    void aConnectionThatCannotStartIsAFailure() throws Exception {
        ParallelLoad load = new ParallelLoad(2, (stdin, stdout) -> {
            throw new IOException("program not found: mariadb");
        });
        DumpSplitter split = new DumpSplitter(load);
        byte[] b = DUMP.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
            split.write(b, 0, b.length);
            split.finish();
        }).isInstanceOf(ParallelLoad.ConnectionEnded.class);
        ProcessResult r = load.finish(false);
        assertThat(r.ok()).isFalse();
        assertThat(r.startFailure()).contains("program not found: mariadb");
    }
}
