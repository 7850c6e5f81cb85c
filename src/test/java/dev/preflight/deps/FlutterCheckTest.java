package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.audit.Constraint;
import dev.preflight.audit.Prober;
import dev.preflight.deps.DepsResult.FlutterHost;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.HostUri;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flutter per build agent through the audit's probe, with fake connectors (our own interface). */
class FlutterCheckTest {
    static final String MACHINE = """
            {
              "frameworkVersion": "3.19.6",
              "channel": "stable",
              "repositoryUrl": "https://github.com/flutter/flutter.git",
              "frameworkRevision": "54e66469a9",
              "dartSdkVersion": "3.3.4",
              "devToolsVersion": "2.31.1"
            }
            """;

    @Test
    void eachAgentIsOkFailedOrNotCheckedAndNeverSilentlyOk() throws Exception {
        Map<String, NpmAnalysisTest.CannedRunner> answers = Map.of(
                "mac-1", new NpmAnalysisTest.CannedRunner(0, MACHINE, ""),
                "linux-1", new NpmAnalysisTest.CannedRunner(127, "", "flutter: not found"));
        HostConnector connector = host -> {
            NpmAnalysisTest.CannedRunner r = answers.get(host.host());
            if (r == null) {
                throw new IOException("connection refused");
            }
            return r;
        };
        List<FlutterCheck.Agent> agents = List.of(
                new FlutterCheck.Agent("agents", "mac-1", HostUri.parse("ssh://ci@mac-1:22")),
                new FlutterCheck.Agent("agents", "linux-1", HostUri.parse("ssh://ci@linux-1:22")),
                new FlutterCheck.Agent("agents", "linux-2", HostUri.parse("ssh://ci@linux-2:22")));
        List<FlutterHost> ok = FlutterCheck.run(connector, new Prober(Duration.ofSeconds(5)), agents, Constraint.parse(">=3.19"));
        assertThat(ok).extracting(FlutterHost::status).containsExactly("ok", "not-installed", "unreachable");
        assertThat(ok.get(0).version()).isEqualTo("3.19.6");
        assertThat(ok.get(2).detail()).isEqualTo("connection refused");
        List<FlutterHost> tooOld = FlutterCheck.run(connector, new Prober(Duration.ofSeconds(5)), agents.subList(0, 1),
                Constraint.parse(">=3.22"));
        assertThat(tooOld).singleElement().satisfies(h -> {
            assertThat(h.status()).isEqualTo("failed");
            assertThat(h.detail()).isEqualTo("does not satisfy >=3.22");
        });
    }

    @Test
    void serviceTurnsAFailedAgentIntoABlockerAndAnUncheckedOneIntoExitThree() throws Exception {
        HostConnector connector = host -> new NpmAnalysisTest.CannedRunner(0, MACHINE, "");
        DepsReview s = new DepsReview(new DepsContext(null, null, Clock.systemUTC(),
                new NpmAnalysisTest.CannedRunner(0, "{}", ""), connector, new Prober(Duration.ofSeconds(5)),
                Duration.ofSeconds(5)));
        Path dir = Path.of("src/test/resources/deps/npm-v3");
        List<FlutterCheck.Agent> one = List.of(new FlutterCheck.Agent("agents", "mac-1", HostUri.LOCAL));
        DepsResult failed = s.review(new DepsReview.Request(dir, Targets.parse(Map.of()), List.of(), false, one,
                Constraint.parse(">=3.22")));
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.findings()).singleElement().satisfies(f -> {
            assertThat(f.ecosystem()).isEqualTo("flutter");
            assertThat(f.message()).isEqualTo("Flutter 3.19.6 does not satisfy >=3.22");
        });
        DepsReview down = new DepsReview(new DepsContext(null, null, Clock.systemUTC(),
                new NpmAnalysisTest.CannedRunner(0, "{}", ""), host -> {
                    throw new IOException("SSH hosts are not supported by this build of Preflight yet");
                }, new Prober(Duration.ofSeconds(5)), Duration.ofSeconds(5)));
        DepsResult unchecked = down.review(new DepsReview.Request(dir, Targets.parse(Map.of()), List.of(), false,
                one, null));
        assertThat(unchecked.exitCode()).isEqualTo(3);
        assertThat(DepsReport.REVIEW.render(unchecked, Format.TEXT, Style.PLAIN))
                .contains("agents/mac-1: UNREACHABLE", "NOT FULLY CHECKED");
    }
}
