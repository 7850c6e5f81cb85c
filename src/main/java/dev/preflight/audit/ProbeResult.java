package dev.preflight.audit;

/**
 * What asking a host for a tool's version produced. Every case keeps the raw output so reports can
 * show what the tool actually said.
 */
public sealed interface ProbeResult {
    String raw();

    /** The tool answered and a rule read its version. */
    record Found(Parsed parsed, String raw) implements ProbeResult {
    }

    /** The program does not exist on the host (exit 127): a failure, never a skip. */
    record NotInstalled(String program, String raw) implements ProbeResult {
    }

    /** The tool ran but nothing in its output could be read as a version, or it failed. */
    record Unreadable(String reason, String raw) implements ProbeResult {
    }
}
