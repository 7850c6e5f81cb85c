package dev.preflight.restore;

import dev.preflight.core.Errors;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A {@code redis-server} this tool starts itself to load one RDB: on a free loopback port, in its
 * own directory (the RDB copied in as {@code dump.rdb}), never saving ({@code --save ''},
 * {@code --appendonly no}). The server runs through the {@link ProcessRunner} on a daemon thread;
 * {@link #stop()} sends {@code SHUTDOWN NOSAVE}, waits for the process and removes the directory.
 */
final class RedisServerProcess implements ScratchRedis {
    private final Path dir;
    private final int port;
    private final CompletableFuture<ProcessResult> process;
    private boolean stopped;

    private RedisServerProcess(Path dir, int port, CompletableFuture<ProcessResult> process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts the server on {@code dir/dump.rdb}; returns once it has been launched (not yet loaded). */
    static RedisServerProcess start(ProcessRunner runner, List<String> command, Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> argv = new ArrayList<>(command.isEmpty() ? List.of("redis-server") : command);
        argv.addAll(List.of("--bind", "127.0.0.1", "--port", Integer.toString(port), "--dir", dir.toString(),
                "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--protected-mode", "yes"));
        CompletableFuture<ProcessResult> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                // No wall-clock limit of its own: stop() ends it; a week is only a backstop.
                f.complete(runner.run(ProcessSpec.of(argv).withTimeout(Duration.ofDays(7)).withCaptureLimit(1 << 16)));
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            } catch (InterruptedException e) {
                f.completeExceptionally(e);
            }
        }, "preflight-scratch-redis-" + port);
        // A kept server (--keep) must not hold the JVM open.
        t.setDaemon(true);
        t.start();
        return new RedisServerProcess(dir, port, f);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String awaitLoaded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (process.isDone()) {
                return "redis-server exited while loading the RDB: " + exitReason();
            }
            try {
                String pong = command("PING");
                if (pong.startsWith("+PONG")) {
                    String info = command("INFO", "persistence");
                    if (info.contains("loading:0")) {
                        return null;
                    }
                    last = "still loading";
                } else {
                    last = pong.strip();
                }
            } catch (IOException e) {
                last = Errors.describe(e);
            }
            Thread.sleep(20);
        }
        return "redis-server did not finish loading within " + timeout.toSeconds() + "s (" + last + ")";
    }

    @Override
    public Map<Integer, Long> keysPerDb() throws IOException {
        Map<Integer, Long> out = new TreeMap<>();
        for (String line : command("INFO", "keyspace").split("\r?\n")) {
            if (line.startsWith("db") && line.contains(":keys=")) {
                int db = Integer.parseInt(line.substring(2, line.indexOf(':')));
                String rest = line.substring(line.indexOf("keys=") + 5);
                int comma = rest.indexOf(',');
                out.put(db, Long.parseLong(comma < 0 ? rest.strip() : rest.substring(0, comma)));
            }
        }
        return out;
    }

    /** SHUTDOWN NOSAVE, wait for the process, remove the directory; says what it did. Idempotent. */
    @Override
    public synchronized String stop() throws IOException, InterruptedException {
        if (stopped) {
            return "scratch redis on port " + port + " already stopped";
        }
        stopped = true;
        try {
            command("SHUTDOWN", "NOSAVE");
        } catch (IOException e) {
            // The connection closes as the server exits; or it is already gone (Ctrl-C reaches it too).
        }
        String how = "stopped";
        try {
            process.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // It ignored SHUTDOWN: end the process we started (found by its port among our children).
            try (Stream<ProcessHandle> kids = ProcessHandle.current().descendants()) {
                kids.filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("--port " + port))
                        .orElse(false)).forEach(ProcessHandle::destroyForcibly);
            }
            how = "killed (it ignored SHUTDOWN NOSAVE)";
        } catch (ExecutionException e) {
            how = "gone";
        }
        deleteTree(dir);
        return "scratch redis on port " + port + " " + how + ", " + dir + " removed";
    }

    /** Whether something still accepts connections on the port. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String exitReason() {
        try {
            ProcessResult r = process.getNow(null);
            String out = r.stdout().strip();
            int nl = out.lastIndexOf('\n');
            return "exit " + r.exitCode() + (out.isEmpty() ? "" : ": " + out.substring(nl + 1));
        } catch (RuntimeException e) {
            return Errors.describe(e.getCause() == null ? e : e.getCause());
        }
    }

    /** One RESP command; the reply as text (status, error, or bulk string). */
    private String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String first = line(in);
            if (first.startsWith("$")) {
                int len = Integer.parseInt(first.substring(1));
                if (len < 0) {
                    return "";
                }
                byte[] b = in.readNBytes(len + 2);
                return new String(b, 0, Math.min(len, b.length), StandardCharsets.UTF_8);
            }
            return first;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Removes a directory and everything in it; nothing when it is not there. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
