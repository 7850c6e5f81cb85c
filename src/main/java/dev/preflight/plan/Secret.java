package dev.preflight.plan;

/** A value that must never be shown (password, token, URL with credentials); prints as {@code ****}. */
public record Secret(String value) {
    @Override
    public String toString() {
        return "****";
    }
}
