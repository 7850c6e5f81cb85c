import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes a release's NOTICE and licenses/ folder from its CycloneDX SBOM: one line per bundled
 * library with the licenses its Maven metadata declares, the NOTICE texts those libraries ship
 * (Apache-2.0 section 4(d)), and their own license and notice files copied out of their jars, so
 * nothing in the list is typed by hand. Run by scripts/release with Jackson from the built jar:
 * {@code java -cp preflight.jar packaging/Notice.java BOM MAVEN_REPO TREE VERSION YEAR RUNTIME_RELEASE}.
 */
public final class Notice {
    /** A jar entry that is a license or notice file: LICENSE, NOTICE, COPYING, any suffix, any folder. */
    private static final Pattern LEGAL = Pattern.compile("(?i)^(.*/)?(license|notice|copying)[^/]*$");

    /** Debian's copies of common license texts, by the SPDX identifiers that the SBOM uses. */
    private static final Map<String, String> COMMON_LICENSES = Map.of(
            "Apache-2.0", "Apache-2.0",
            "LGPL-2.1-or-later", "LGPL-2.1",
            "LGPL-2.1-only", "LGPL-2.1",
            "CC0-1.0", "CC0-1.0",
            "MPL-2.0", "MPL-2.0");

    private Notice() {
    }

    /** One bundled library as the SBOM lists it. */
    record Component(String group, String name, String version, List<String> licenses, List<String> urls) {
        String coordinates() {
            return group + ":" + name + " " + version;
        }

        String folder() {
            return group + "." + name;
        }
    }

    public static void main(String[] args) throws IOException {
        Path bom = Path.of(args[0]);
        Path repo = Path.of(args[1]);
        Path tree = Path.of(args[2]);
        String version = args[3];
        String year = args[4];
        Map<String, String> runtime = properties(Path.of(args[5]));

        List<Component> components = components(new ObjectMapper().readTree(bom.toFile()));
        Path licenses = tree.resolve("licenses");
        Files.createDirectories(licenses);
        // NOTICE text -> the libraries that ship exactly that text (the AWS SDK's thirty jars share one).
        Map<String, List<String>> notices = new LinkedHashMap<>();
        List<String> withoutFiles = new ArrayList<>();
        TreeSet<String> spdx = new TreeSet<>();
        for (Component c : components) {
            spdx.addAll(c.licenses());
            Path jar = repo.resolve(c.group().replace('.', '/')).resolve(c.name()).resolve(c.version())
                    .resolve(c.name() + "-" + c.version() + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new IOException("not in the local Maven repository: " + jar + " (run the build first)");
            }
            int copied = 0;
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                List<? extends ZipEntry> entries = zip.stream()
                        .filter(e -> !e.isDirectory() && LEGAL.matcher(e.getName()).matches()
                                && !e.getName().endsWith(".class"))
                        .sorted(Comparator.comparing(ZipEntry::getName)).toList();
                for (ZipEntry e : entries) {
                    byte[] bytes;
                    try (InputStream in = zip.getInputStream(e)) {
                        bytes = in.readAllBytes();
                    }
                    String rel = e.getName().startsWith("META-INF/") ? e.getName().substring(9) : e.getName();
                    Path target = licenses.resolve(c.folder()).resolve(rel);
                    Files.createDirectories(target.getParent());
                    Files.write(target, bytes);
                    copied++;
                    String base = rel.substring(rel.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                    if (base.startsWith("notice") && !rel.contains("/")) {
                        String text = new String(bytes, StandardCharsets.UTF_8).strip();
                        notices.computeIfAbsent(text, t -> new ArrayList<>()).add(c.coordinates());
                    }
                }
            }
            if (copied == 0) {
                withoutFiles.add(c.coordinates());
            }
        }
        Path texts = licenses.resolve("texts");
        List<String> copiedTexts = new ArrayList<>();
        for (String id : spdx) {
            String file = COMMON_LICENSES.get(id);
            Path src = file == null ? null : Path.of("/usr/share/common-licenses", file);
            if (src != null && Files.isRegularFile(src)) {
                Files.createDirectories(texts);
                Files.copy(src, texts.resolve(id + ".txt"));
                copiedTexts.add(id);
            }
        }

        StringBuilder b = new StringBuilder();
        b.append("Preflight ").append(version).append('\n');
        b.append("Copyright ").append(year).append(" The Preflight authors\n\n");
        b.append("This product is licensed under the Apache License, Version 2.0 (see LICENSE).\n\n");
        heading(b, "Bundled third-party libraries");
        b.append("""
                lib/preflight.jar also contains the libraries below, packed into one jar (native
                libraries for platforms other than linux-x86_64 left out). Each is under its own
                license, given here as its Maven metadata declares it (several = the choice the
                library offers). Their own license and notice files are in licenses/GROUP.NAME/;
                texts of the common licenses are in licenses/texts/. The full list, with package
                URLs, is sbom.cdx.json (CycloneDX) beside this file.

                """);
        int width = components.stream().mapToInt(c -> c.coordinates().length()).max().orElse(0);
        for (Component c : components) {
            b.append(String.format("%-" + width + "s  %s%n", c.coordinates(),
                    c.licenses().isEmpty() ? "(no license declared)" : String.join(" OR ", c.licenses())));
        }
        b.append('\n');
        if (!withoutFiles.isEmpty()) {
            b.append("These ship no license file in their jar; their license is the one named above:\n");
            for (String c : withoutFiles) {
                b.append("  ").append(c).append('\n');
            }
            b.append('\n');
        }
        if (!copiedTexts.isEmpty()) {
            b.append("License texts included: ").append(String.join(", ", copiedTexts)).append(".\n\n");
        }
        heading(b, "Notices of the bundled libraries");
        for (var e : notices.entrySet()) {
            b.append("From ").append(String.join(", ", e.getValue())).append(":\n\n");
            b.append(e.getKey()).append("\n\n");
        }
        heading(b, "Java runtime");
        b.append("runtime/ is a Java ").append(runtime.getOrDefault("JAVA_VERSION", "?"))
                .append(" runtime image made with jlink from ").append(System.getProperty("java.vendor"))
                .append("'s OpenJDK build,\nholding the modules ")
                .append(runtime.getOrDefault("MODULES", "?").replace(' ', ',')).append(".\n")
                .append("""
                        OpenJDK is licensed under the GNU General Public License, version 2, with the Classpath
                        Exception; its license and the notices of the code it includes are in runtime/legal/.
                        """);
        Files.writeString(tree.resolve("NOTICE"), b.toString(), StandardCharsets.UTF_8);
    }

    private static void heading(StringBuilder b, String title) {
        b.append(title).append('\n').append("=".repeat(title.length())).append("\n\n");
    }

    private static List<Component> components(JsonNode bom) {
        List<Component> out = new ArrayList<>();
        for (JsonNode c : bom.path("components")) {
            List<String> licenses = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            for (JsonNode l : c.path("licenses")) {
                JsonNode lic = l.path("license");
                if (lic.hasNonNull("id")) {
                    licenses.add(lic.get("id").asText());
                } else if (lic.hasNonNull("name")) {
                    licenses.add(lic.get("name").asText());
                } else if (l.hasNonNull("expression")) {
                    licenses.add(l.get("expression").asText());
                }
                if (lic.hasNonNull("url")) {
                    urls.add(lic.get("url").asText());
                }
            }
            out.add(new Component(c.path("group").asText(), c.path("name").asText(), c.path("version").asText(),
                    licenses, urls));
        }
        out.sort(Comparator.comparing(Component::group).thenComparing(Component::name));
        return out;
    }

    /** The runtime image's release file: KEY="value" lines. */
    private static Map<String, String> properties(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^\"|\"$", ""));
            }
        }
        return m;
    }
}
