package dev.preflight.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Private (0700) temporary directories for credentials and staged data, named after the owning
 * pid. A run killed with SIGKILL cannot delete its own; the next run removes those whose process
 * is gone, so a password or a snapshot does not linger in the temporary directory.
 */
final class PrivateTemp {
    private PrivateTemp() {
    }

    /** Removes stale directories with this prefix, then creates a new one for this process. */
    static Path create(String prefix) throws IOException {
        removeStale(prefix);
        return Files.createTempDirectory(prefix + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Deletes the directory and what is in it (one level: these directories hold single files). */
    static void delete(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static void removeStale(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.naturalOrder()).toList()) {
                String rest = d.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).isEmpty() && !Files.isSymbolicLink(d)) {
                    delete(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: another user's directory or a race with its owner is not our failure.
        }
    }
}
