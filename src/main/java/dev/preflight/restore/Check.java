package dev.preflight.restore;

/**
 * One smoke check's outcome after a restore.
 *
 * @param kind   {@code artifact}, {@code restore}, {@code structure}, {@code rows}, {@code sql},
 *               {@code http}, {@code keys} or {@code cleanup}
 * @param name   what was checked (a table name, the plan's check name)
 * @param passed whether it passed
 * @param detail what was found (expected and actual)
 */
public record Check(String kind, String name, boolean passed, String detail) {
    static Check pass(String kind, String name, String detail) {
        return new Check(kind, name, true, detail);
    }

    static Check fail(String kind, String name, String detail) {
        return new Check(kind, name, false, detail);
    }
}
