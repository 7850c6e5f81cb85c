package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cutover behind a real HAProxy (Debian's package) driven over its admin socket: switch and
 * failback under load with zero failed requests; a failing smoke suite leaves its state unchanged.
 */
class CutoverHaproxyTest {
    @TempDir
    Path dir;

    ColourServer blue;
    ColourServer green;
    Proxies.Running haproxy;
    CutoverCli cli;
    HaproxyLoadBalancer admin;

    @BeforeEach
    void up() throws Exception {
        blue = new ColourServer("blue");
        green = new ColourServer("green");
        Path hp = Files.createDirectories(dir.resolve("haproxy"));
        haproxy = Proxies.haproxy(hp, blue.port(), green.port());
        cli = new CutoverCli(dir);
        String lb = """
                type: haproxy
                socket: %s
                backend: academy
                verify_url: "http://127.0.0.1:%d/"
                """.formatted(hp.resolve("admin.sock"), haproxy.port());
        cli.plan(CutoverCli.section(blue, green, "blue", "green", lb, ""));
        admin = new HaproxyLoadBalancer(PlanLoader.load(dir.resolve("preflight.yaml"), Map.of())
                .section("cutover", CutoverPlan.class).orElseThrow());
    }

    @AfterEach
    void down() throws Exception {
        haproxy.close();
        blue.close();
        green.close();
    }

    @Test
    void switchAndFailbackUnderLoadFailNoRequest() throws Exception {
        assertThat(admin.active()).isEqualTo(CutoverPlan.Colour.BLUE);
        LoadSwitch.assertZeroFailureSwitchAndFailback(cli, haproxy.port());
        assertThat(admin.active()).isEqualTo(CutoverPlan.Colour.BLUE);
    }

    @Test
    void aFailingSmokeSuiteNeverTouchesTheLoadBalancer() throws Exception {
        var before = admin.adminStates();
        String raw = admin.send("show servers state academy");
        green.failSmoke.set(true);
        CliRun r = cli.run("cutover", "start");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("smoke suite failed against green; the load balancer was not touched");
        assertThat(admin.adminStates()).isEqualTo(before);
        // Every column but the time since the last change is as it was.
        assertThat(strip(admin.send("show servers state academy"))).isEqualTo(strip(raw));
        assertThat(admin.active()).isEqualTo(CutoverPlan.Colour.BLUE);
    }

    @Test
    void theDriverSaysWhenHaproxyRefusesACommand() throws Exception {
        String plan = Files.readString(dir.resolve("preflight.yaml")).replace("servers: [green]", "servers: [purple]");
        Files.writeString(dir.resolve("preflight.yaml"), plan);
        CliRun r = cli.run("cutover", "start");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("haproxy refused 'set server academy/purple state ready'");
    }

    private static String strip(String state) {
        StringBuilder sb = new StringBuilder();
        for (String line : state.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && !line.startsWith("#")) {
                f[9] = "_";
            }
            sb.append(String.join(" ", f)).append('\n');
        }
        return sb.toString();
    }
}
