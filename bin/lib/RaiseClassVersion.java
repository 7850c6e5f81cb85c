import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Copies a jar with its pre-Java-6 class files (major version below 50) rewritten as Java 8 class
 * files with stack maps, for the launcher's ahead-of-time cache. Run by bin/preflight with the
 * JDK 24+ that makes the cache (java.lang.classfile is final there): {@code java
 * RaiseClassVersion.java IN.jar OUT.jar}.
 *
 * <p>Why: picocli ships Java 5 class files. A JDK 25 AOT cache cannot store those (openjdk
 * JDK-8317269 is open), so its ~170 classes were read from the jar and checked by the old
 * type-inferring verifier at every start, most of what a short command does after its JVM is up.
 * Only the version and the stack maps change; the bytecode is the same. A class that cannot be
 * rewritten (a superclass the jar does not hold) is copied unchanged, and the output is written to a
 * temporary file and moved into place, so a failure leaves no half-written jar.
 */
public final class RaiseClassVersion {
    private static final int TARGET_MAJOR = 52;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java RaiseClassVersion.java IN.jar OUT.jar");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        int raised = 0;
        int kept = 0;
        try (URLClassLoader jar = new URLClassLoader(new URL[] {in.toUri().toURL()}, null)) {
            // Stack maps need the common superclass of two types at merge points: the JDK's own
            // classes, then the jar's, read from the jar itself (never loaded).
            ClassHierarchyResolver hierarchy = ClassHierarchyResolver.defaultResolver()
                    .orElse(ClassHierarchyResolver.ofResourceParsing(jar)).cached();
            ClassFile files = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(hierarchy),
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            // Rebuilding every method body is what makes the library compute the stack maps.
            ClassTransform raise = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                    .andThen((builder, element) -> {
                        if (element instanceof ClassFileVersion) {
                            builder.withVersion(TARGET_MAJOR, 0);
                        } else {
                            builder.with(element);
                        }
                    });
            try (InputStream is = Files.newInputStream(in);
                 ZipInputStream zin = new ZipInputStream(is);
                 OutputStream os = Files.newOutputStream(tmp);
                 ZipOutputStream zout = new ZipOutputStream(os)) {
                for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                    byte[] bytes = zin.readAllBytes();
                    if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/") && major(bytes) < 50) {
                        try {
                            bytes = files.transformClass(files.parse(bytes), raise);
                            raised++;
                        } catch (IllegalArgumentException | IllegalStateException unresolvable) {
                            kept++;
                        }
                    }
                    ZipEntry copy = new ZipEntry(e.getName());
                    copy.setTime(e.getTime());
                    zout.putNextEntry(copy);
                    zout.write(bytes);
                    zout.closeEntry();
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("raised " + raised + " class file(s) to version " + TARGET_MAJOR + ", kept " + kept);
    }

    /** The class file's major version, or {@code Integer.MAX_VALUE} when it is too short to tell. */
    private static int major(byte[] b) {
        return b.length < 8 ? Integer.MAX_VALUE : ((b[6] & 0xff) << 8) | (b[7] & 0xff);
    }
}
