package dev.preflight.bench;

import dev.preflight.exec.TestSshHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * For bench/audit: starts N in-process SSH hosts on loopback, writes a plan, a known_hosts file, the client key and the list of ports into DIR, prints
 * READY, and keeps serving until its stdin closes. Mode {@code real}: hosts run what they are sent
 * with bash -c (like sshd), so every probe is a real process on this one machine; mode
 * {@code recorded}: hosts answer the probes with recorded real outputs, so what is timed is the
 * SSH fan-out itself, as it would be with the probes running on separate machines.
 */
public final class SshFleet {
    private SshFleet() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        boolean real = args.length > 2 && args[2].equals("real");
        String php = "PHP 8.3.6 (cli) (built: Apr 15 2024 19:21:47) (NTS)\n";
        String node = "v20.11.1\n";
        String mysql = "mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)\n";
        String redis = "Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=a203381984fddfe4\n";
        Map<String, TestSshHosts.Reply> replies = Map.of(
                "php -n -r 'echo PHP_VERSION;'", new TestSshHosts.Reply(0, "8.3.6", ""),
                "node -v", new TestSshHosts.Reply(0, node, ""),
                "mysql --version", new TestSshHosts.Reply(0, mysql, ""),
                "redis-server -v", new TestSshHosts.Reply(0, redis, ""),
                // the ssh loop's one command line, answered with the same four outputs
                "php -v | head -n1; node -v; mysql -V; redis-server -v", new TestSshHosts.Reply(0, php + node + mysql + redis, ""));
        try (TestSshHosts fleet = new TestSshHosts(dir.resolve("ssh"))) {
            List<TestSshHosts.Host> hosts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                hosts.add(real ? fleet.real("host-" + i) : fleet.recorded("host-" + i, replies));
            }
            Path kh = fleet.knownHosts("known_hosts", hosts);
            StringBuilder plan = new StringBuilder("""
                    version: 1
                    project: {name: bench-fleet}
                    environments:
                      - name: fleet
                        ssh: {known_hosts: %s, identity_files: [%s]}
                        hosts:
                    """.formatted(kh, fleet.clientKey()));
            StringBuilder ports = new StringBuilder();
            for (TestSshHosts.Host h : hosts) {
                plan.append("      - {name: ").append(h.name()).append(", uri: \"ssh://deploy@127.0.0.1:")
                        .append(h.port()).append("\"}\n");
                ports.append(h.port()).append('\n');
            }
            plan.append("""
                    requirements:
                      - {tool: php, version: "8.3"}
                      - {tool: node, version: "20"}
                      - {tool: mysql, version: "8.0.36"}
                      - {tool: redis-server, version: "7"}
                    """);
            Files.writeString(dir.resolve("plan.yaml"), plan);
            Files.writeString(dir.resolve("ports"), ports);
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() != -1) {
                // serve until the benchmark closes our stdin
            }
        }
    }
}
