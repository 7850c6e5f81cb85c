package dev.preflight.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns an exception into words for users: what failed (the file, host or value it names) and
 * why, never a Java class name ("NoSuchFileException", "java.net.ConnectException: ..."). Every
 * place that shows or records a caught exception goes through {@link #describe(Throwable)}; the
 * caller puts the subject around it ("cannot read the bundle b.zip: " + describe(e)).
 */
public final class Errors {
    /** A qualified class name followed by ": " as Throwable.toString() writes it, e.g. "java.io.IOException: ". */
    private static final Pattern CLASS_PREFIX = Pattern.compile(
            "(?:\\b[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*|\\b)");
    /** A bare JDK or library exception class name, e.g. "ConnectException". */
    private static final Pattern SIMPLE_NAME = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b");

    private Errors() {
    }

    /**
     * One sentence fragment saying what went wrong, in words: {@code /x/y: no such file or
     * directory}, {@code connection refused}, {@code the JSON at packages[0] is a list where an
     * object is expected}. Never null, never empty, never a class name.
     */
    public static String describe(Throwable e) {
        if (e == null) {
            return "an unknown error";
        }
        Throwable t = unwrap(e);
        String text = words(t);
        text = clean(text);
        return text.isBlank() ? "an error without further detail" : text;
    }

    /**
     * The AWS SDK's messages people cannot act on, in words with the next step: the credential
     * chain's (a paragraph naming every provider class it tried), the region's, and a network
     * failure it wraps (said as the network failure, host included).
     */
    private static String aws(Throwable t, String msg) {
        if (!t.getClass().getName().startsWith("software.amazon.awssdk.")) {
            return null;
        }
        if (msg != null && msg.startsWith("Unable to load credentials")) {
            return "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) where "
                    + "preflight runs";
        }
        if (msg != null && msg.startsWith("Unable to load region")) {
            return "no AWS region is set: give the destination a region in the plan, or set AWS_REGION";
        }
        if (t.getCause() instanceof IOException io) {
            return words(io);
        }
        return null;
    }

    /** The exception whose words matter: wrappers (Unchecked, Execution, Completion) give their cause's. */
    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 10; i++) {
            Throwable c = t.getCause();
            boolean wrapper = t instanceof UncheckedIOException || t instanceof ExecutionException
                    || t instanceof CompletionException
                    || t instanceof InvocationTargetException
                    || (c != null && t.getMessage() != null && t.getMessage().equals(c.toString()));
            if (!wrapper || c == null) {
                return t;
            }
            t = c;
        }
        return t;
    }

    private static String words(Throwable t) {
        String msg = t.getMessage();
        if (t instanceof PreflightException) {
            return msg;
        }
        String aws = aws(t, msg);
        if (aws != null) {
            return aws;
        }
        if (t instanceof NoSuchFileException f) {
            return file(f) + ": no such file or directory";
        }
        if (t instanceof AccessDeniedException f) {
            return file(f) + ": permission denied";
        }
        if (t instanceof FileAlreadyExistsException f) {
            return file(f) + ": already exists";
        }
        if (t instanceof DirectoryNotEmptyException f) {
            return file(f) + ": directory is not empty";
        }
        if (t instanceof NotDirectoryException f) {
            return file(f) + ": not a directory";
        }
        if (t instanceof NotLinkException f) {
            return file(f) + ": not a symbolic link";
        }
        if (t instanceof FileSystemLoopException f) {
            return file(f) + ": symbolic links loop";
        }
        if (t instanceof FileSystemException f) {
            String reason = f.getReason();
            return file(f) + ": " + (reason == null || reason.isBlank() ? "file system error" : lower(reason));
        }
        if (t instanceof FileNotFoundException) {
            // java.io says "PATH (No such file or directory)"
            Matcher m = msg == null ? null : Pattern.compile("^(.*) \\((.*)\\)$").matcher(msg);
            return msg == null ? "file not found" : m.matches() ? m.group(1) + ": " + lower(m.group(2)) : msg;
        }
        if (t instanceof ConnectException) {
            return msg == null || msg.isBlank() ? "connection refused" : lower(msg);
        }
        if (t instanceof UnknownHostException) {
            return msg == null ? "unknown host" : "unknown host " + msg.replaceFirst(":.*$", "");
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                || t instanceof TimeoutException) {
            return msg == null || msg.isBlank() ? "timed out" : "timed out (" + lower(msg) + ")";
        }
        if (t instanceof SSLException) {
            return "the TLS handshake failed" + (msg == null ? "" : ": " + msg);
        }
        if (t instanceof EOFException) {
            return msg == null || msg.isBlank() ? "the data ended early" : "the data ended early: " + msg;
        }
        if (t instanceof CharacterCodingException) {
            return "not valid UTF-8 text";
        }
        if (t instanceof ClosedByInterruptException || t instanceof InterruptedException
                || t instanceof InterruptedIOException) {
            return "interrupted";
        }
        if (t instanceof JsonProcessingException j) {
            return json(j);
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory";
        }
        if (t instanceof StackOverflowError) {
            return "the input is nested too deeply";
        }
        if (t instanceof NumberFormatException) {
            return msg == null ? "not a number" : msg.replaceFirst("^For input string: (.*)$", "not a number: $1");
        }
        if (t instanceof IOException && (msg == null || msg.isBlank())) {
            return t.getCause() != null ? describe(t.getCause()) : "input/output error";
        }
        if (msg == null || msg.isBlank()) {
            return t.getCause() != null ? describe(t.getCause()) : "an error without further detail";
        }
        return msg;
    }

    /** Jackson: where in the JSON, and what was wrong, in words. */
    private static String json(JsonProcessingException j) {
        String where = "";
        JsonLocation loc = j.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            where = " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        if (j instanceof MismatchedInputException m) {
            String path = jsonPath(m.getPath());
            Class<?> target = m.getTargetType();
            String expected = target == null ? "another kind of value" : expected(target);
            return "the JSON " + (path.isEmpty() ? "document" : "at " + path) + " is not " + expected + where;
        }
        String orig = j.getOriginalMessage() == null ? "" : j.getOriginalMessage().lines().findFirst().orElse("");
        orig = orig.replaceAll("\\s*\\(start marker at \\[Source:.*?\\]\\)", "")
                .replaceAll("\\s*at \\[Source:.*?\\]", "").replaceAll("\\s*\\[Source:.*?\\]", "");
        if (orig.startsWith("Unexpected end-of-input")) {
            return "the JSON ends early" + where;
        }
        if (j instanceof JsonMappingException m && !orig.startsWith("Unexpected character")
                && !orig.startsWith("Unrecognized token")) {
            String path = jsonPath(m.getPath());
            return "the JSON " + (path.isEmpty() ? "document" : "at " + path) + " cannot be read"
                    + (orig.isEmpty() ? "" : ": " + clean(orig)) + where;
        }
        return "not valid JSON" + (orig.isEmpty() ? "" : ": " + clean(orig)) + where;
    }

    private static String expected(Class<?> c) {
        if (Collection.class.isAssignableFrom(c) || c.isArray()) {
            return "a list";
        }
        if (CharSequence.class.isAssignableFrom(c) || c == Character.class || c == char.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(c) || (c.isPrimitive() && c != boolean.class)) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    private static String jsonPath(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (var r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String file(FileSystemException f) {
        String a = f.getFile();
        String b = f.getOtherFile();
        return (a == null ? "a file" : a) + (b == null ? "" : " -> " + b);
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** Removes "java.io.IOException: "-style prefixes and bare exception class names from a library's message. */
    public static String withoutClassNames(String text) {
        return clean(text);
    }

    static String clean(String text) {
        if (text == null) {
            return "";
        }
        String out = CLASS_PREFIX.matcher(text).replaceAll(m -> isClassName(m.group()) ? "" : m.group()
                .replace("\\", "\\\\").replace("$", "\\$"));
        out = SIMPLE_NAME.matcher(out).replaceAll("error");
        return out.strip();
    }

    /** "a.b.C" is a class name when it has a package of lowercase words and a capitalised last part. */
    private static boolean isClassName(String s) {
        String t = s.replaceFirst(":\\s*$", "").strip();
        int dot = t.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String pkg = t.substring(0, dot);
        return pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("dev.preflight")
                || pkg.startsWith("com.") || pkg.startsWith("org.") || pkg.startsWith("software.")
                || pkg.startsWith("sun.") || pkg.startsWith("jdk.") || pkg.startsWith("net.")
                || pkg.startsWith("io.");
    }
}
