package dev.preflight.backup;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * Exceptions as sentences for people: what happened to which file or address, never a Java class
 * name ({@code NoSuchFileException: /x} becomes "no such file or directory: /x", a bare
 * {@code ConnectException} "connection refused"). Used wherever backups and restore tests put a
 * failure into a message, a report or the ledger.
 */
public final class Failures {
    // "java.io.IOException: x", "software.amazon...SdkClientException: x": a class name where a sentence belongs.
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");

    private Failures() {
    }

    /** The failure as a sentence fragment ("permission denied: /backups/x"). */
    public static String describe(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        } else if (t instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        } else if (t instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        } else if (t instanceof DirectoryNotEmptyException f) {
            return "directory not empty: " + f.getFile();
        } else if (t instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        } else if (t instanceof FileSystemException f) {
            String reason = f.getReason() == null ? "file system error" : lower(f.getReason());
            return (f.getFile() == null ? "" : f.getFile() + ": ") + reason
                    + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
        } else if (t instanceof ConnectException) {
            return "connection refused";
        } else if (t instanceof NoRouteToHostException) {
            return "no route to host";
        } else if (t instanceof UnknownHostException) {
            return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage().replaceAll(":.*", ""));
        } else if (t instanceof SocketTimeoutException) {
            return "timed out" + (t.getMessage() == null ? "" : " (" + lower(t.getMessage()) + ")");
        } else if (t instanceof EOFException) {
            return "the data ended early" + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
        } else if (t instanceof ClosedChannelException) {
            return "the file was closed while in use (interrupted)";
        } else if (t instanceof InterruptedIOException) {
            return "interrupted";
        } else if (t instanceof OutOfMemoryError) {
            return "out of memory";
        }
        String m = t.getMessage();
        if (m != null) {
            m = CLASS_PREFIX.matcher(m.strip()).replaceFirst("");
        }
        if (m == null || m.isBlank()) {
            return t instanceof java.io.IOException ? "input/output error" : "internal error (no detail given)";
        }
        return m;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 10 && t.getCause() != null; i++) {
            boolean wrapper = t instanceof UncheckedIOException || t instanceof ExecutionException
                    || t instanceof CompletionException
                    || (t.getMessage() != null && t.getMessage().equals(t.getCause().toString()));
            if (!wrapper) {
                break;
            }
            t = t.getCause();
        }
        return t;
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
