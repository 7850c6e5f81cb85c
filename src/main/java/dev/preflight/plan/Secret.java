package dev.preflight.plan;

import java.util.List;

/**
 * A value that must never be shown (password, token, URL with credentials); prints as {@code ****}.
 * {@code from} keeps the references it was interpolated from ({@code ${JIRA_TOKEN}}), never the
 * value, so a message about an empty secret can name the variable to set.
 */
public record Secret(String value, List<String> from) {
    public Secret {
        from = from == null ? List.of() : List.copyOf(from);
    }

    /** A secret written literally in the plan. */
    public Secret(String value) {
        this(value, List.of());
    }

    /** The environment variables it was interpolated from ({@code JIRA_TOKEN} of {@code ${JIRA_TOKEN:-}}). */
    public List<String> variables() {
        return from.stream().map(r -> r.substring(2, r.length() - 1)).filter(e -> !e.startsWith("file:"))
                .map(e -> e.split(":-|-|:", 2)[0].strip()).toList();
    }

    @Override
    public String toString() {
        return "****";
    }
}
