package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two projects on one ledger (two teams' plans pointing at the same shared ledger) with a flag of
 * the same name: a production flag is approved by an approved toggle of this project's file, not by
 * another project's. Toggles are recorded under {@code communities@production} whatever the project,
 * and the newest passed one was read as the approval: project B's approved launch made project A's
 * hand-edited, never approved {@code communities: true} in production pass validation (and GO).
 */
class SharedLedgerApprovalTest {
    @TempDir
    Path dir;

    @Test
    void anotherProjectsApprovedToggleDoesNotApproveThisProjectsFile() throws Exception {
        Path ledger = dir.resolve("shared.db");
        CliHarness a = project("a", ledger, true);
        CliHarness b = project("b", ledger, false);
        CliRun before = a.run("flags", "validate");
        assertThat(before.out()).as(before.all()).contains("production-unapproved");
        assertThat(before.code()).isEqualTo(1);

        CliRun toggled = b.run("flags", "toggle", "communities", "--on", "--env", "production",
                "--approved-by", "cab (B-17)", "--reason", "launch in B");
        assertThat(toggled.code()).as(toggled.all()).isZero();

        CliRun after = a.run("flags", "validate");
        assertThat(after.out()).as(after.all()).contains("production-unapproved");
        assertThat(after.code()).isEqualTo(1);
        assertThat(a.run("run").code()).isEqualTo(1);

        // A's own approval, given on the flag as it already is, is what approves A's file.
        CliRun own = a.run("flags", "toggle", "communities", "--on", "--env", "production",
                "--approved-by", "cab (A-3)", "--reason", "launch in A");
        assertThat(own.code()).as(own.all()).isZero();
        CliRun approved = a.run("flags", "validate");
        assertThat(approved.code()).as(approved.all()).isZero();

        // A's history of the flag is A's toggles: B's launch is not in it.
        CliRun history = a.run("flags", "history", "communities");
        assertThat(history.out()).as(history.all()).contains("cab (A-3)").doesNotContain("cab (B-17)");
    }

    /**
     * A toggle recorded before toggles named their project approves by the file it names: the
     * production file of this plan, as the toggle command shows it, and no other.
     */
    @Test
    void anOlderToggleWithoutAProjectApprovesTheFileItNames() throws Exception {
        Path ledger = dir.resolve("shared.db");
        CliHarness a = project("a", ledger, true);
        older(ledger, a, "elsewhere/.env.production");
        assertThat(a.run("flags", "validate").code()).isEqualTo(1);
        older(ledger, a, ".env.production");
        CliRun v = a.run("flags", "validate");
        assertThat(v.code()).as(v.all()).isZero();
    }

    private static void older(Path ledger, CliHarness h, String file) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("flag", "communities");
        payload.put("environment", "production");
        payload.put("old", false);
        payload.put("new", true);
        payload.put("reason", "launch");
        payload.put("approved_by", "cab (X-1)");
        payload.put("file", file);
        payload.put("sha256_before", "0".repeat(64));
        payload.put("sha256_after", "1".repeat(64));
        try (Ledger l = Ledgers.open("sqlite:" + ledger, h.dir, Secrets.none(), "old@host", h.clock)) {
            l.append(NewEntry.of(FlagsEvidence.TOGGLE, FlagsEvidence.subject("communities", "production"),
                    Outcome.PASSED, "communities on in production: off -> on", payload));
        }
    }

    private CliHarness project(String name, Path ledger, boolean on) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("preflight.yaml"), """
                version: 1
                project: {name: project-%s}
                ledger: {url: "sqlite:%s"}
                feature_flags:
                  env_key: APP_FEATURE_FLAGS
                  files: {example: .env.example, production: .env.production}
                  flags:
                    - {name: communities, description: Community spaces, owner: learning-team, type: release,
                       review_by: 2027-06-30}
                """.formatted(name, ledger));
        Files.writeString(d.resolve(".env.example"), "APP_FEATURE_FLAGS='{\"communities\": false}'\n");
        Files.writeString(d.resolve(".env.production"), "APP_FEATURE_FLAGS='{\"communities\": " + on + "}'\n");
        return new CliHarness(d, Instant.parse("2026-11-24T10:00:00Z"));
    }
}
