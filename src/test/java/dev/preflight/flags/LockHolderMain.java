package dev.preflight.flags;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test helper run as a separate OS process: holds a dotenv file's lock, says so by creating
 * {@code held} beside it, and lets go when {@code release} appears there.
 */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path dir = file.toAbsolutePath().getParent();
        DotenvIo.withLock(file, () -> {
            Files.createFile(dir.resolve("held"));
            while (!Files.exists(dir.resolve("release"))) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return null;
        });
    }
}
