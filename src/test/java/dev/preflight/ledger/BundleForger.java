package dev.preflight.ledger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test helper: writes files into a zip with exactly the layout {@code ledger export} uses, as a
 * forger who read the source would, so tests of doctored bundles are not caught by the layout alone.
 */
public final class BundleForger {
    private BundleForger() {
    }

    /** Writes {@code files} (name to content, in order) to {@code zip}. */
    public static void write(Path zip, Map<String, byte[]> files) throws IOException {
        List<BundleZip.File> list = new ArrayList<>();
        files.forEach((n, d) -> list.add(new BundleZip.File(n, d)));
        try (OutputStream out = Files.newOutputStream(zip)) {
            BundleZip.write(out, list);
        }
    }
}
