package dev.preflight.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dress rehearsal as CI runs it (issue 18): {@code scripts/rehearse} with a small database
 * stands up the local staging, runs the runbook to GO with a sign-off and an HTML report, and leaves
 * no process or data behind; two fault drills end NO-GO naming their fault with a ledger that still
 * verifies. Its own state dir and ports, so it never meets a rehearsal someone runs by hand.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RehearsalIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final LocalProcessRunner HOST = new LocalProcessRunner(Secrets.none());
    private static final String PORT_BASE = "24300";

    @TempDir
    static Path work;

    static Path state;

    @BeforeAll
    static void root() throws Exception {
        // The staging runs its servers as root (mariadbd --user=root, sshd) and installs what is missing.
        ProcessResult id = HOST.run(ProcessSpec.of("id", "-u"));
        assumeTrue("0".equals(id.stdout().strip()), "the rehearsal runs as root");
        state = work.resolve("state");
    }

    @AfterAll
    static void down() throws Exception {
        if (state == null) {
            return;
        }
        ProcessResult r = rehearse(Duration.ofMinutes(2), "--down");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertNothingLeft();
    }

    private static ProcessResult rehearse(Duration timeout, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ROOT.resolve("scripts/rehearse").toString(), "--state",
                state.toString(), "--port-base", PORT_BASE));
        argv.addAll(List.of(args));
        ProcessResult r = HOST.run(ProcessSpec.of(argv).withTimeout(timeout).withCaptureLimit(4L << 20));
        System.out.println(r.stdout()); // the timeline, in the failsafe report
        System.out.println(r.stderr());
        return r;
    }

    /** No data dir, and no process whose command line names the state dir (or one of the rehearsal's ports). */
    private static void assertNothingLeft() throws IOException {
        assertThat(state).doesNotExist();
        List<String> left = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                if (cmd.contains(state.toString()) || cmd.contains("127.0.0.1:" + PORT_BASE.substring(0, 3))) {
                    left.add(p.getFileName() + ": " + cmd);
                }
            }
        }
        assertThat(left).as("processes left behind").isEmpty();
    }

    @Test
    @Order(1)
    void theRehearsalEndsGoWithAReportAndASignOffAndLeavesNothingBehind() throws Exception {
        Path report = work.resolve("report");
        ProcessResult r = rehearse(Duration.ofMinutes(12), "--rows", "5000", "--report", report.toString());
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        String out = r.stdout();
        assertThat(out).contains("shortened for the rehearsal: stable window 24h -> 10s, notice lead time 48h -> 2m",
                "Readiness of academy-rehearsal: GO", "rehearsal ended as expected");
        assertThat(out).doesNotContain("UNEXPECTED");
        for (String step : List.of("backup run", "backup verify", "restore-test", "audit over SSH", "deps",
                "flags toggle (approved)", "cutover failback under load", "gates notify (SMTP)", "mailbox read back (POP3)",
                "gates check", "readiness sign", "ledger verify")) {
            assertThat(out).as(step).containsPattern("s  " + Pattern.quote(step) + " +exit 0 +ok");
        }
        // switch, failback and the second switch each under load, none of the requests failed
        assertThat(out).containsPattern("load: [1-9][0-9]* requests through nginx \\([0-9]+ served by blue, [0-9]+ by green\\), 0 failed");
        assertThat(report.resolve("readiness.html")).content().contains("GO", "academy-rehearsal");
        assertThat(report.resolve("report.md")).content().contains("stable window 24h -> 10s", "as expected");
        assertThat(report.resolve("evidence.zip")).isNotEmptyFile();
        assertThat(Files.readString(report.resolve("logs").resolve(logOf(report, "readiness-sign"))))
                .contains("Signed off: GO for academy-rehearsal by Rehearsal Lead");
        assertNothingLeft();
    }

    private static String logOf(Path report, String name) throws IOException {
        try (Stream<Path> logs = Files.list(report.resolve("logs"))) {
            return logs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-" + name + ".log")).findFirst()
                    .orElseThrow();
        }
    }

    @Test
    @Order(2)
    void aCabWithoutApprovalIsNoGoNamingTheCab() throws Exception {
        Path report = work.resolve("cab");
        ProcessResult r = rehearse(Duration.ofMinutes(12), "--rows", "5000", "--report", report.toString(),
                "--fault", "cab-not-approved");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("Readiness of academy-rehearsal: NO-GO", "drill cab-not-approved ended as expected")
                .containsPattern("gates check +exit 1 +ok")
                .containsPattern("ledger verify +exit 0 +ok");
        assertThat(Files.readString(report.resolve("logs").resolve(logOf(report, "readiness"))))
                .contains("gate cab", "not approved");
        assertNothingLeft();
    }

    @Test
    @Order(3)
    void aBrokenGreenIsRefusedAtTheSwitchAndNginxIsUntouched() throws Exception {
        Path report = work.resolve("green");
        ProcessResult r = rehearse(Duration.ofMinutes(12), "--rows", "5000", "--report", report.toString(),
                "--fault", "green-broken");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("Readiness of academy-rehearsal: NO-GO", "drill green-broken ended as expected")
                .containsPattern("cutover start \\(switch refused\\) +exit 1 +ok")
                .containsPattern("nginx untouched +exit 0 +ok")
                .containsPattern("ledger verify +exit 0 +ok");
        assertThat(Files.readString(report.resolve("logs").resolve(logOf(report, "cutover-start-(switch-refused)"))))
                .contains("courses api");
        assertNothingLeft();
    }
}
