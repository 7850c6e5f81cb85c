package dev.preflight.cutover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A load balancer of type {@code command}: two small scripts that write and check the active colour in a file. */
final class CommandLb {
    private CommandLb() {
    }

    static Path script(Path dir, String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** The {@code load_balancer} mapping; the active colour lives in {@code dir/active}. */
    static String section(Path dir) throws Exception {
        Path active = dir.resolve("active");
        Files.writeString(active, "blue\n");
        Path set = script(dir, "lb-set.sh", "echo \"$1\" > '" + active + "'");
        Path is = script(dir, "lb-is.sh", "grep -qx \"$1\" '" + active + "'");
        return """
                type: command
                switch_to_blue: [%1$s, blue]
                switch_to_green: [%1$s, green]
                verify_blue: [%2$s, blue]
                verify_green: [%2$s, green]
                """.formatted(set, is);
    }

    static String active(Path dir) throws Exception {
        return Files.readString(dir.resolve("active")).strip();
    }
}
