package dev.preflight.cutover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real nginx and HAProxy (Debian packages) started by a test on a free loopback port with their
 * configuration in the test's temporary folder; never the system service.
 */
final class Proxies {
    private Proxies() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A running proxy process; closing it stops the process. */
    record Running(Process process, int port, Path dir) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The argv prefix the plan gives nginx: the test's prefix and configuration. */
    static List<String> nginxArgv(Path dir) {
        return List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString());
    }

    static String nginxInclude(int backendPort) {
        return "upstream academy {\n    server 127.0.0.1:" + backendPort + ";\n}\n";
    }

    /** Starts nginx (master in the foreground) proxying to the upstream in {@code dir/upstream.inc}. */
    static Running nginx(Path dir, int initialBackend) throws Exception {
        int port = freePort();
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("upstream.inc"), nginxInclude(initialBackend));
        String d = dir.toString();
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    include %1$s/upstream.inc;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / { proxy_pass http://academy; }
                    }
                }
                """.formatted(d, port));
        List<String> argv = new ArrayList<>(nginxArgv(dir));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile()).start();
        return awaitServing(new Running(p, port, dir), "nginx");
    }

    /** Starts HAProxy in the foreground with {@code blue} ready and {@code green} in maintenance. */
    static Running haproxy(Path dir, int blue, int green) throws Exception {
        int port = freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    stats socket %1$s/admin.sock mode 600 level admin
                    maxconn 512
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend fe
                    bind 127.0.0.1:%2$d
                    default_backend academy
                backend academy
                    server blue 127.0.0.1:%3$d
                    server green 127.0.0.1:%4$d disabled
                """.formatted(dir, port, blue, green));
        Process p = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.out").toFile()).start();
        Running r = awaitServing(new Running(p, port, dir), "haproxy");
        for (int i = 0; i < 200 && !Files.exists(dir.resolve("admin.sock")); i++) {
            Thread.sleep(25);
        }
        return r;
    }

    private static Running awaitServing(Running r, String what) throws Exception {
        LoadGenerator probe = new LoadGenerator(r.port(), 0);
        for (int i = 0; i < 400; i++) {
            if (!r.process().isAlive()) {
                throw new IllegalStateException(what + " exited: " + Files.readString(r.dir().resolve(what + ".out")));
            }
            if (probe.once().colour() != null) {
                return r;
            }
            Thread.sleep(25);
        }
        r.close();
        throw new IllegalStateException(what + " did not serve on port " + r.port());
    }
}
