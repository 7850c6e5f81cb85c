package dev.preflight.cutover;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.MovableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Drives {@code preflight cutover ...} in-process against a plan in a temporary folder, with a
 * clock the test moves (for the stable window), and reads the ledger the commands wrote.
 */
final class CutoverCli {
    final Path dir;
    final MovableClock clock;

    CutoverCli(Path dir) {
        this(dir, Instant.parse("2027-01-09T01:00:00Z"));
    }

    CutoverCli(Path dir, Instant start) {
        this.dir = dir;
        this.clock = new MovableClock(start);
    }

    /** A risk register whose one risk is mitigated by a failback drill within a week. */
    static final String FAILBACK_RISK = """
            risks:
              - name: cutover-failure
                title: Blue/Green cutover failure
                mitigation: blue stays warm for a failback within the bound
                controls: [{evidence: failback-drill, max_age: 7d}]
            """;

    CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), clock, args);
    }

    void plan(String cutoverSection) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: cutover-test}
                environments:
                  - name: staging
                    hosts: [{name: me, uri: local}]
                """ + cutoverSection);
    }

    Ledger ledger() {
        return Ledgers.open(null, dir, Secrets.none(), "test@host", clock);
    }

    List<LedgerEntry> entries(String kind) {
        try (Ledger l = ledger()) {
            return l.query(LedgerQuery.kind(kind));
        }
    }

    /**
     * A backups section that dumps the database contract changes ({@code academy} on the local
     * server): contract counts only a backup of a database the plan's backups section dumps.
     */
    static final String DATABASE_BACKUPS = """
            backups:
              destinations:
                - {name: onprem, type: local, path: backups/onprem}
              sources:
                - name: academy-db
                  type: mysql
                  mysql: {host: 127.0.0.1, port: 3306, user: root, database: academy}
            """;

    /** The two colours and the load balancer section, for plans over the given backends. */
    static String section(ColourServer blue, ColourServer green, String blueServers, String greenServers, String lb,
                          String extra) {
        return """
                cutover:
                  environment: staging
                  blue: {name: academy-blue, health_url: "%s", servers: [%s], marker: "colour=blue"}
                  green: {name: academy-green, health_url: "%s", servers: [%s], marker: "colour=green"}
                  load_balancer:
                %s
                  smoke:
                    - {name: smoke page, url: "%s"}
                  failback_bound: 5m
                """.formatted(blue.url("/health"), blueServers, green.url("/health"), greenServers,
                lb.indent(4).stripTrailing(), green.url("/smoke")) + extra;
    }
}
