package dev.preflight.gates;

import java.time.Instant;

/**
 * The maintenance window the change-control gates are about (runbook §4.3): when it starts and
 * ends, which environment it changes and the change ticket it belongs to.
 */
public record ChangeWindow(Instant start, Instant end, String environment, String ticket) {
}
