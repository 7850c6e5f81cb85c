package dev.preflight.cutover;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The fixture the cutover golden tests share: in-process blue and green backends, a command load
 * balancer and {@code preflight cutover ...} driven over a plan in a temporary folder, on a clock the
 * test moves. {@link #alerting} is the plan of the command and payload goldens; {@link #start} takes
 * any stable and contract sections.
 */
final class GoldenCutover implements AutoCloseable {
    final Path dir;
    final ColourServer blue;
    final ColourServer green;
    final CutoverCli cli;

    private GoldenCutover(Path dir) throws Exception {
        this.dir = dir;
        this.blue = new ColourServer("blue");
        ColourServer g = null;
        try {
            g = new ColourServer("green");
        } finally {
            if (g == null) {
                blue.close();
            }
        }
        this.green = g;
        this.cli = new CutoverCli(dir);
    }

    /**
     * The two backends and a plan whose colours are {@code b1} and {@code g1} behind the command load
     * balancer, followed by {@code extra} (given green, it writes the stable and contract sections).
     */
    static GoldenCutover start(Path dir, Function<GoldenCutover, String> extra) throws Exception {
        GoldenCutover f = new GoldenCutover(dir);
        try {
            f.cli.plan(CutoverCli.section(f.blue, f.green, "b1", "g1", CommandLb.section(dir), extra.apply(f)));
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    /**
     * A 24h stable window, a round every 5m, policy alert, green's smoke page sampled three times
     * with no errors allowed (and {@code true} as a monitor command when {@code monitorCommand}); a
     * contract script that touches {@code dir/contracted}; backups younger than 24h.
     */
    static GoldenCutover alerting(Path dir, boolean monitorCommand) throws Exception {
        Path contract = CommandLb.script(dir, "contract.sh", "touch '" + dir.resolve("contracted") + "'");
        return start(dir, f -> """
                  stable:
                    window: 24h
                    interval: 5m
                    max_gap: 30h
                    policy: alert
                    checks: [{name: green smoke, url: "%s", samples: 3, max_error_rate: 0.0, max_latency: 5s}]
                %s  contract: {command: [%s]}
                  backup_max_age: 24h
                """.formatted(f.green.url("/smoke"), monitorCommand ? "    commands: [[true]]\n" : "", contract)
                + CutoverCli.DATABASE_BACKUPS);
    }

    /** {@code s} with the temporary folder, the backends' ports and the cutover's id replaced by placeholders. */
    String placeholders(String s) {
        return s.replace(dir.toString(), "<DIR>")
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<PORT>")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<ID>");
    }

    @Override
    public void close() {
        try {
            blue.close();
        } finally {
            green.close();
        }
    }
}
