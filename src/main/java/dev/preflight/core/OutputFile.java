package dev.preflight.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Where a report given with {@code -o FILE} may go: a regular file only (new or existing), written
 * atomically with {@link AtomicFiles}; through a symlink only to a regular file (the link stays,
 * its target is replaced); never a device, directory, FIFO or socket (as root, {@code -o
 * /dev/full} would otherwise replace the device node); never a file Preflight must not lose,
 * such as the plan or the ledger, compared by real path.
 */
public final class OutputFile {
    private OutputFile() {
    }

    /**
     * The file {@code target} would write: itself, or a symlink's regular-file target.
     *
     * @param protect files that must never be overwritten, existing or not, with what each is
     *                ("the plan", "the ledger")
     * @throws PreflightException exit 2 when the path is refused, saying why
     */
    public static Path resolve(Path target, Map<Path, String> protect) {
        Path abs = target.toAbsolutePath().normalize();
        Path dest = abs;
        BasicFileAttributes link = attrs(abs, LinkOption.NOFOLLOW_LINKS);
        if (link != null && link.isSymbolicLink()) {
            BasicFileAttributes to = attrs(abs);
            if (to == null) {
                throw refuse(abs, "is a symbolic link to nothing (its target does not exist)");
            }
            if (!to.isRegularFile()) {
                throw refuse(abs, "is a symbolic link to " + kind(to) + ", not to a regular file");
            }
            try {
                dest = abs.toRealPath();
            } catch (IOException e) {
                throw refuse(abs, "cannot be followed: " + Errors.describe(e));
            }
        } else if (link != null && !link.isRegularFile()) {
            throw refuse(abs, "is " + kind(link) + ", not a regular file");
        }
        Path parent = dest.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw refuse(abs, "cannot be created: " + parent + " is not a directory");
        }
        for (Map.Entry<Path, String> e : protect.entrySet()) {
            if (e.getKey() != null && same(dest, e.getKey())) {
                throw refuse(abs, "is " + e.getValue() + " (" + e.getKey() + "), which Preflight never overwrites");
            }
        }
        return dest;
    }

    /** Writes {@code content} to {@code target} after {@link #resolve} allowed it; returns the file written. */
    public static Path write(Path target, byte[] content, Map<Path, String> protect) throws IOException {
        Path dest = resolve(target, protect);
        AtomicFiles.write(dest, content);
        return dest;
    }

    private static boolean same(Path a, Path b) {
        Path x = real(a);
        Path y = real(b.toAbsolutePath().normalize());
        return x.equals(y);
    }

    /** The real path of a file, or of its existing parent plus the rest when it does not exist yet. */
    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            Path parent = p.getParent();
            return parent == null || parent.equals(p) ? p : real(parent).resolve(p.getFileName());
        }
    }

    private static BasicFileAttributes attrs(Path p, LinkOption... options) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, options);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw refuse(p, "cannot be examined: " + Errors.describe(e));
        }
    }

    private static String kind(BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        return "a device, FIFO or socket";
    }

    private static PreflightException refuse(Path p, String why) {
        return PreflightException.usage("will not write the output to " + p + ": it " + why,
                "give -o a path to a regular file (new or existing)");
    }
}
