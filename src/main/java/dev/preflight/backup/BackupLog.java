package dev.preflight.backup;

import dev.preflight.core.AtomicFiles;
import dev.preflight.report.Markdown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The Markdown backup log a person reads in a change ticket (runbook §2 step 5,
 * {@code docs/upgrade/backups/backup-log.md}): one table row per backup attempt or deletion,
 * appended by rewriting the file atomically. The ledger, not this file, is the evidence.
 */
public final class BackupLog {
    static final String HEADER = """
            # Backup log

            Appended by `preflight backup` (runbook §2). One row per backup attempt and per pruned backup; \
            the evidence ledger holds the same facts, hash-chained (`preflight ledger log --kind backup`).

            | time (UTC) | source | outcome | artifact | size | SHA-256 | copies | retain until | ledger id |
            | --- | --- | --- | --- | --- | --- | --- | --- | --- |
            """;

    private final Path file;

    public BackupLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends one row (cells are escaped). */
    public synchronized void append(List<String> cells) throws IOException {
        String existing = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : HEADER;
        StringBuilder sb = new StringBuilder(existing);
        if (!existing.endsWith("\n")) {
            sb.append('\n');
        }
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(Markdown.cell(c)).append(" |");
        }
        sb.append('\n');
        boolean existed = Files.exists(file);
        Set<PosixFilePermission> mode = existed
                ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-r--r--");
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        // The log is for people and change tickets (the temp file it was written through is 0600).
        Files.setPosixFilePermissions(file, mode);
    }
}
