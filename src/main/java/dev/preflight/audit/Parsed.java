package dev.preflight.audit;

/**
 * A version read from a tool's output, with the flavor (for MySQL-compatible tools) and the name of
 * the rule that matched, so a reviewer can see why the tool reported what it did.
 */
public record Parsed(Version version, String flavor, String rule) {
}
