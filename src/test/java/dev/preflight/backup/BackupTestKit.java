package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.plan.PlanLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** What tests that drive the backup verbs directly share: a plan's backups section, a source of fixed bytes. */
final class BackupTestKit {
    private BackupTestKit() {
    }

    /** Writes {@code yaml} as the plan in {@code dir} and returns its backups section. */
    static BackupPlan plan(Path dir, String yaml) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), yaml);
        return PlanLoader.load(dir.resolve("preflight.yaml"), Map.of()).section("backups", BackupPlan.class)
                .orElseThrow();
    }

    /** Every source produces these bytes as a {@code .sql} dump, complete. */
    static Function<Source, Producer> fixed(byte[] bytes) {
        return s -> new Producer() {
            @Override
            public String extension() {
                return "sql";
            }

            @Override
            public Production produce(OutputStream out) throws IOException {
                out.write(bytes);
                return Production.complete(Map.of());
            }
        };
    }
}
