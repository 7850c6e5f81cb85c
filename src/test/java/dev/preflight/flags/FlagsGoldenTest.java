package dev.preflight.flags;

import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins what {@code flags validate|list|diff|history|toggle} print, in every format they accept,
 * against golden files, on the fixed clock of {@link CliRun#CLOCK} and the {@link FlagFixture}.
 */
class FlagsGoldenTest {
    @TempDir
    Path dir;

    @BeforeEach
    void fixture() throws Exception {
        FlagFixture.write(dir);
    }

    private void golden(String name, String... args) {
        CliRun r = CliRun.of(dir, Map.of(), CliRun.CLOCK, args);
        String s = r.out() + (r.err().isEmpty() ? "" : "--- stderr\n" + r.err()) + "--- exit " + r.code() + "\n";
        Golden.exact().check("flags-commands/" + name, s.replace(dir.toString(), "<DIR>")
                .replace(Ledgers.defaultActor(), "<ACTOR>"));
    }

    @Test
    void validateListDiffOnTheFixture() {
        golden("validate.txt", "flags", "validate");
        golden("validate.json", "flags", "validate", "--format", "json");
        golden("validate.md", "flags", "validate", "--format", "markdown");
        golden("list.txt", "flags", "list");
        golden("list.json", "flags", "list", "--format", "json");
        golden("list.md", "flags", "list", "--format", "markdown");
        golden("diff.txt", "flags", "diff", "staging", "production");
        golden("diff.json", "flags", "diff", "staging", "production", "--format", "json");
        golden("diff.md", "flags", "diff", "staging", "production", "--format", "markdown");
        golden("diff-same.txt", "flags", "diff", "example", "production");
        golden("history-empty.txt", "flags", "history", "webauthn");
    }

    @Test
    void validateWithProblems() throws Exception {
        Path prod = dir.resolve("app/.env.production");
        Files.writeString(prod, Files.readString(prod).replace("\"communities\":false", "\"communities\":true"));
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/Chat.php"), "<?php\nif (Feature::active('chat')) {}\n");
        golden("validate-problems.txt", "flags", "validate", "--app", "src");
        golden("validate-problems.json", "flags", "validate", "--app", "src", "--format", "json");
        golden("validate-problems.md", "flags", "validate", "--app", "src", "--format", "markdown");
    }

    @Test
    void togglesAndHistory() throws Exception {
        golden("toggle.txt", "flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "QA regression");
        golden("toggle-unchanged.txt", "flags", "toggle", "webauthn", "--on", "--env", "staging", "--reason", "again");
        golden("toggle.json", "flags", "toggle", "webauthn", "--off", "--env", "staging", "--reason", "done",
                "--format", "json");
        golden("toggle-production.txt", "flags", "toggle", "communities", "--on", "--env", "production", "--reason",
                "launch", "--approved-by", "cab");
        golden("toggle-unapproved.txt", "flags", "toggle", "communities", "--on", "--env", "production", "--reason",
                "launch");
        Path staging = dir.resolve("app/.env.staging");
        Files.writeString(staging, Files.readString(staging).replace("\"webauthn\": false", "\"webauthn\": 1"));
        golden("toggle-refused.txt", "flags", "toggle", "communities", "--off", "--env", "staging", "--reason", "x");
        golden("toggle-refused.json", "flags", "toggle", "communities", "--off", "--env", "staging", "--reason", "x",
                "--format", "json");
        golden("history.txt", "flags", "history", "webauthn");
        golden("history.json", "flags", "history", "webauthn", "--format", "json");
        golden("history-production.txt", "flags", "history", "communities");
        golden("list-after.txt", "flags", "list");
    }
}
