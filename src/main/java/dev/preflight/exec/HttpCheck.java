package dev.preflight.exec;

import java.time.Duration;

/**
 * An HTTP check from a plan (restore's {@code http_checks}, cutover's health and smoke checks): a GET
 * on {@code url} must answer {@code status} within {@code maxLatency}, containing {@code contains}.
 *
 * @param contains text the answer must contain, or null
 */
public record HttpCheck(String name, String url, int status, Duration maxLatency, String contains) {
}
