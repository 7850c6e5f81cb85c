package dev.preflight.restore;

/**
 * One smoke check's outcome after a restore.
 *
 * @param kind    {@code artifact}, {@code restore}, {@code structure}, {@code rows}, {@code sql},
 *                {@code http}, {@code keys}, {@code empty} or {@code cleanup}
 * @param name    what was checked (a table name, the plan's check name)
 * @param passed  whether it passed
 * @param detail  what was found (expected and actual)
 * @param warning not passed, but not broken either: something that proves nothing (an empty dump)
 *                and so must not count as a pass unless the plan allows it
 */
public record Check(String kind, String name, boolean passed, String detail, boolean warning) {
    public Check(String kind, String name, boolean passed, String detail) {
        this(kind, name, passed, detail, false);
    }

    /** A cleanup that failed (a scratch copy left behind): still to be said when the restore starts over. */
    boolean failedCleanup() {
        return !passed && "cleanup".equals(kind);
    }

    static Check pass(String kind, String name, String detail) {
        return new Check(kind, name, true, detail, false);
    }

    static Check fail(String kind, String name, String detail) {
        return new Check(kind, name, false, detail, false);
    }

    /** Not a pass: shown and recorded as a WARNING, which blocks GO like a failure. */
    static Check warn(String kind, String name, String detail) {
        return new Check(kind, name, false, detail, true);
    }
}
