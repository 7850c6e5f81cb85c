package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.RedisSource;
import dev.preflight.core.Errors;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Redis RDB snapshot fetched the way a replica gets it (what {@code redis-cli --rdb} does, done
 * here so the bytes stream straight into the hash and the destinations): connect, {@code AUTH},
 * {@code REPLCONF capa eof} and {@code rdb-only}, {@code SYNC}, skip the newline keep-alives sent
 * while the server forks, then copy the {@code $<len>} payload or the diskless {@code $EOF:<mark>}
 * payload. With {@code mode: redis-cli} the server's own tool fetches it instead (into a private
 * temporary file, password in {@code REDISCLI_AUTH}, never on argv). Either way the stored copy is then walked by
 * {@link RdbValidator}: magic, every opcode to EOF, and the CRC-64.
 */
public final class RedisProducer implements Producer {
    private static final int MARK = 40;
    static final String RDB_PREFIX = "preflight-rdb-";

    private final RedisSource source;
    private final ProcessRunner runner;
    private final Duration timeout;
    private volatile long expected = -1;

    public RedisProducer(RedisSource source, ProcessRunner runner, Duration timeout) {
        this.source = source;
        this.runner = runner;
        this.timeout = timeout;
    }

    @Override
    public String extension() {
        return "rdb";
    }

    @Override
    public long expectedBytes() {
        return expected;
    }

    @Override
    public Production produce(OutputStream out) throws IOException, InterruptedException {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("host", source.host() + ":" + source.port());
        facts.put("mode", source.mode());
        if ("redis-cli".equals(source.mode())) {
            return viaRedisCli(out, facts);
        }
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(source.host(), source.port()), 10_000);
            } catch (IOException e) {
                return Production.failed("cannot connect to Redis at " + facts.get("host") + ": "
                        + Errors.describe(e), facts);
            }
            // The server sends a keep-alive newline every second while it forks; a minute of silence is dead.
            s.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            OutputStream cmd = s.getOutputStream();
            String refused = authenticate(cmd, in);
            if (refused != null) {
                return Production.failed("AUTH refused by " + facts.get("host") + ": " + refused, facts);
            }
            send(cmd, List.of("INFO", "server"));
            String info = bulk(in);
            facts.put("server_version", field(info, "redis_version"));
            send(cmd, List.of("REPLCONF", "capa", "eof"));
            String capa = line(in);
            if (!capa.startsWith("+")) {
                return Production.failed("REPLCONF refused: " + capa, facts);
            }
            send(cmd, List.of("REPLCONF", "rdb-only", "1"));
            line(in); // Redis < 7 answers -ERR: it then sends the command stream after the RDB, which we never read.
            send(cmd, List.of("SYNC"));
            String header = payloadHeader(in);
            if (header.startsWith("-")) {
                return Production.failed("SYNC refused by " + facts.get("host") + ": " + header.substring(1)
                        + " (managed services often block replication; try mode: redis-cli or a replica)", facts);
            }
            if (!header.startsWith("$")) {
                return Production.failed("unexpected reply to SYNC: " + printable(header), facts);
            }
            long copied;
            if (header.startsWith("$EOF:")) {
                byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
                if (mark.length != MARK) {
                    return Production.failed("bad diskless EOF mark in " + printable(header), facts);
                }
                copied = copyUntilMark(in, out, mark);
                if (copied < 0) {
                    return Production.failed("connection closed before the end-of-RDB mark (incomplete)", facts);
                }
                facts.put("transfer", "diskless");
            } else {
                long len = Long.parseLong(header.substring(1));
                expected = len;
                copied = copyExactly(in, out, len);
                if (copied < len) {
                    return Production.failed("connection closed after " + copied + " of " + len + " bytes (incomplete)",
                            facts);
                }
                facts.put("transfer", "disk");
            }
            facts.put("rdb_bytes", copied);
            return Production.complete(facts);
        }
    }

    /** The server's clock (the {@code TIME} command: seconds and microseconds), over one short connection. */
    @Override
    public Optional<Instant> serverNow() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(source.host(), source.port()), 5_000);
            s.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream cmd = s.getOutputStream();
            String refused = authenticate(cmd, in);
            if (refused != null) {
                throw new IOException("AUTH refused: " + printable(refused));
            }
            send(cmd, List.of("TIME"));
            String h = line(in);
            if (!h.equals("*2")) {
                throw new IOException("unexpected reply to TIME: " + printable(h));
            }
            try {
                long seconds = Long.parseLong(bulk(in).strip());
                long micros = Long.parseLong(bulk(in).strip());
                return Optional.of(Instant.ofEpochSecond(seconds, micros * 1000));
            } catch (NumberFormatException e) {
                throw new IOException("unexpected reply to TIME");
            }
        }
    }

    /**
     * {@code redis-cli --rdb FILE} into a private temporary directory, then the file is streamed on.
     * Not to stdout: on a diskless transfer redis-cli 7 removes the end-of-RDB mark by truncating
     * its output file, which it cannot do to a pipe, so {@code --rdb -} leaves the mark in the data.
     */
    private Production viaRedisCli(OutputStream out, Map<String, Object> facts)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(source.command().isEmpty() ? List.of("redis-cli") : source.command());
        argv.addAll(List.of("-h", source.host(), "-p", Integer.toString(source.port())));
        if (source.username() != null) {
            argv.addAll(List.of("--user", source.username()));
        }
        PrivateTemp tmpDir = PrivateTemp.create(RDB_PREFIX);
        Path file = tmpDir.path().resolve("dump.rdb");
        try {
            argv.addAll(List.of("--rdb", file.toString()));
            Map<String, String> env = source.password() == null ? Map.of()
                    : Map.of("REDISCLI_AUTH", source.password().value());
            ProcessResult r = runner.run(ProcessSpec.of(argv).withEnv(env).withTimeout(timeout));
            facts.put("tool", argv.get(0));
            if (r.startFailure() != null) {
                return Production.failed(r.startFailure(), facts);
            }
            if (r.timedOut()) {
                return Production.failed("redis-cli timed out and was killed", facts);
            }
            if (r.exitCode() != 0 || !Files.isRegularFile(file)) {
                return Production.failed("redis-cli exited " + r.exitCode() + ": " + r.stderr().strip()
                        + r.stdout().strip(), facts);
            }
            facts.put("rdb_bytes", Files.size(file));
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(out);
            }
            return Production.complete(facts);
        } finally {
            tmpDir.close();
        }
    }

    @Override
    public boolean checksContent() {
        return true;
    }

    @Override
    public Production check(InputStream content) throws IOException {
        Map<String, Object> facts = new LinkedHashMap<>();
        try {
            RdbValidator.Result r = RdbValidator.validate(new BufferedInputStream(content, 1 << 16));
            facts.put("rdb_version", r.version());
            facts.put("keys_per_db", r.keysPerDb());
            facts.put("keys", r.keys());
            facts.put("crc64", r.checksum());
            facts.put("crc64_verified", r.checksumVerified());
            if (r.aux().containsKey("redis-ver")) {
                facts.put("rdb_redis_ver", r.aux().get("redis-ver"));
            }
            if (!r.checksumVerified()) {
                // The server writes no checksum (rdbchecksum no): the structure is intact, the bytes unproven.
                facts.put("warning", "the RDB carries no checksum (rdbchecksum no on the server): not CRC-verified");
            }
            return Production.complete(facts);
        } catch (RdbValidator.InvalidRdbException e) {
            return Production.failed("the RDB is not valid: " + e.getMessage(), facts);
        }
    }

    /** Sends AUTH when the source has a password; the server's refusal, or null when it accepted or none was needed. */
    private String authenticate(OutputStream cmd, InputStream in) throws IOException {
        if (source.password() == null) {
            return null;
        }
        List<String> auth = new ArrayList<>(List.of("AUTH"));
        if (source.username() != null) {
            auth.add(source.username());
        }
        auth.add(source.password().value());
        send(cmd, auth);
        String reply = line(in);
        return reply.startsWith("+") ? null : reply;
    }

    private static void send(OutputStream out, List<String> args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(v);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
    }

    /** One CRLF-terminated reply line, without the CRLF. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] l = b.toByteArray();
                int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                return new String(l, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
            if (b.size() > 1 << 16) {
                throw new IOException("reply line too long");
            }
        }
        throw new IOException("connection closed by the server");
    }

    /** The first non-empty line after SYNC: bare newlines are keep-alives while the server forks. */
    private static String payloadHeader(InputStream in) throws IOException {
        while (true) {
            String l = line(in);
            if (!l.isEmpty()) {
                return l;
            }
        }
    }

    private static String bulk(InputStream in) throws IOException {
        String h = line(in);
        if (!h.startsWith("$")) {
            throw new IOException("unexpected reply " + printable(h));
        }
        int n = Integer.parseInt(h.substring(1));
        byte[] v = in.readNBytes(n + 2);
        return new String(v, 0, Math.min(n, v.length), StandardCharsets.UTF_8);
    }

    private static String field(String info, String name) {
        for (String l : info.split("\r?\n")) {
            if (l.startsWith(name + ":")) {
                return l.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    private static long copyExactly(InputStream in, OutputStream out, long len) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        while (done < len) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, len - done));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            done += n;
        }
        return done;
    }

    /**
     * Copies until the stream ends with {@code mark}; the mark itself is not part of the RDB. The last
     * 40 bytes are always held back until more arrive. Returns -1 when the connection ends first.
     */
    private static long copyUntilMark(InputStream in, OutputStream out, byte[] mark) throws IOException {
        byte[] buf = new byte[(1 << 16) + MARK];
        int held = 0;
        long done = 0;
        while (true) {
            int n = in.read(buf, held, buf.length - held);
            if (n < 0) {
                return -1;
            }
            held += n;
            if (held >= MARK && Arrays.equals(buf, held - MARK, held, mark, 0, MARK)) {
                out.write(buf, 0, held - MARK);
                return done + held - MARK;
            }
            if (held > MARK) {
                int emit = held - MARK;
                out.write(buf, 0, emit);
                done += emit;
                System.arraycopy(buf, emit, buf, 0, MARK);
                held = MARK;
            }
        }
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
