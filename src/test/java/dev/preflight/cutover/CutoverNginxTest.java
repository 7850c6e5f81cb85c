package dev.preflight.cutover;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cutover behind a real nginx (Debian's package) on loopback, with two in-process backends:
 * switch and failback under continuous load with zero failed requests, and a failing smoke suite
 * that leaves the load balancer untouched.
 */
class CutoverNginxTest {
    @TempDir
    Path dir;

    ColourServer blue;
    ColourServer green;
    Proxies.Running nginx;
    CutoverCli cli;

    @BeforeEach
    void up() throws Exception {
        blue = new ColourServer("blue");
        green = new ColourServer("green");
        Path ng = Files.createDirectories(dir.resolve("nginx"));
        nginx = Proxies.nginx(ng, blue.port());
        cli = new CutoverCli(dir);
        String lb = """
                type: nginx
                include_file: %s
                upstream: academy
                nginx: [%s]
                verify_url: "http://127.0.0.1:%d/"
                """.formatted(ng.resolve("upstream.inc"), String.join(", ", Proxies.nginxArgv(ng)), nginx.port());
        cli.plan(CutoverCli.section(blue, green, "\"127.0.0.1:" + blue.port() + "\"", "\"127.0.0.1:" + green.port() + "\"",
                lb, ""));
    }

    @AfterEach
    void down() throws Exception {
        nginx.close();
        blue.close();
        green.close();
    }

    @Test
    void switchAndFailbackUnderLoadFailNoRequest() throws Exception {
        LoadSwitch.assertZeroFailureSwitchAndFailback(cli, nginx.port());
        assertThat(Files.readString(nginx.dir().resolve("upstream.inc")))
                .contains("server 127.0.0.1:" + blue.port() + ";").doesNotContain(":" + green.port());
    }

    @Test
    void aFailingSmokeSuiteNeverTouchesTheLoadBalancer() throws Exception {
        Path inc = nginx.dir().resolve("upstream.inc");
        byte[] before = Files.readAllBytes(inc);
        long mtime = Files.getLastModifiedTime(inc).toMillis();
        green.failSmoke.set(true);
        CliRun r = cli.run("cutover", "start");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("switch: FAILED - smoke suite failed against green; the load balancer was not touched",
                "smoke page: HTTP 500, expected 200", "stopped in state promoted");
        assertThat(Files.readAllBytes(inc)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(inc).toMillis()).isEqualTo(mtime);
        assertThat(new LoadGenerator(nginx.port(), 0).once().colour()).isEqualTo("blue");
        List<LedgerEntry> e = cli.entries(CutoverHistory.KIND);
        assertThat(e.get(e.size() - 1).summary()).startsWith("switch attempt 1: smoke suite failed");
        // Fixed, the same command moves on: the switch is retried as attempt 2.
        green.failSmoke.set(false);
        CliRun again = cli.run("cutover", "switch");
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).contains("switch: attempt 2", "routes to green");
        assertThat(new LoadGenerator(nginx.port(), 0).once().colour()).isEqualTo("green");
    }

    @Test
    void nginxRefusingTheConfigurationRestoresTheIncludeAndDoesNotReload() throws Exception {
        Path inc = nginx.dir().resolve("upstream.inc");
        byte[] before = Files.readAllBytes(inc);
        // An unresolvable upstream address makes 'nginx -t' fail.
        String plan = Files.readString(dir.resolve("preflight.yaml"))
                .replace("\"127.0.0.1:" + green.port() + "\"", "\"no-such-host.invalid:80\"");
        Files.writeString(dir.resolve("preflight.yaml"), plan);
        CliRun r = cli.run("cutover", "start");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("nginx -t refused the configuration (previous include restored, nothing reloaded)");
        assertThat(Files.readAllBytes(inc)).isEqualTo(before);
        assertThat(new LoadGenerator(nginx.port(), 0).once().colour()).isEqualTo("blue");
        // A failed switch may have moved traffic, so failback is allowed from promoted then (idempotent here).
        CliRun fb = cli.run("cutover", "failback");
        assertThat(fb.code()).as(fb.all()).isZero();
        assertThat(cli.run("cutover", "status").out()).contains("Cutover of staging: failed-back");
        assertThat(new LoadGenerator(nginx.port(), 0).once().colour()).isEqualTo("blue");
    }
}
