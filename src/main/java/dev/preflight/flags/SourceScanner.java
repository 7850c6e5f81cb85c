package dev.preflight.flags;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where the application's PHP source reads a flag: {@code config('feature-flags.X')} (also
 * with double quotes or {@code Config::get}) and Laravel Pennant's {@code Feature::active('X')} /
 * {@code Feature::inactive('X')}. Dependencies and caches ({@code vendor}, {@code node_modules},
 * {@code storage}, {@code bootstrap/cache}) and hidden directories are not application code and are skipped.
 * Names built at run time ({@code "feature-flags.{$name}"}) cannot be checked and are not matched.
 */
public final class SourceScanner {
    private static final Pattern CONFIG = Pattern.compile(
            "(?:\\bconfig|\\bConfig::get)\\(\\s*(['\"])feature-flags\\.([A-Za-z0-9_-]+)\\1");
    private static final Pattern FEATURE = Pattern.compile("\\bFeature::(?:active|inactive)\\(\\s*(['\"])([A-Za-z0-9_-]+)\\1");
    private static final Set<String> SKIP = Set.of("vendor", "node_modules", "storage", "cache");

    private SourceScanner() {
    }

    /** One place the code reads a flag; line and column are 1-based. */
    public record Use(String flag, Path file, int line, int column, String expression) {
    }

    /** The result of a scan: every use, and how many PHP files were read. */
    public record Scan(List<Use> uses, int files) {
        public Scan {
            uses = List.copyOf(uses);
        }
    }

    public static Scan scan(Path dir) throws IOException {
        List<Use> uses = new ArrayList<>();
        int[] files = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String n = d.getFileName() == null ? "" : d.getFileName().toString();
                    boolean skip = !d.equals(dir) && (n.startsWith(".") || SKIP.contains(n));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && f.getFileName().toString().endsWith(".php")) {
                        files[0]++;
                        scanFile(f, uses);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        uses.sort(Comparator.comparing((Use u) -> u.file().toString()).thenComparingInt(Use::line)
                .thenComparingInt(Use::column));
        return new Scan(uses, files[0]);
    }

    private static void scanFile(Path f, List<Use> uses) {
        List<String> lines;
        try {
            // Malformed bytes become U+FFFD: a stray Latin-1 comment must not hide the flags around it.
            lines = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            for (Pattern p : List.of(CONFIG, FEATURE)) {
                Matcher m = p.matcher(lines.get(i));
                while (m.find()) {
                    uses.add(new Use(m.group(2), f, i + 1, m.start() + 1, m.group()));
                }
            }
        }
    }
}
