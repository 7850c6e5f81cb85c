package dev.preflight.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set of secret values known to this run and the one place that masks them. Secrets are
 * typed, not guessed: the plan's credential fields (passwords, tokens, keys, URLs with a
 * password) and values the user tagged {@code !secret}; other interpolated values ({@code owner},
 * hosts, names) are plain. Free text that leaves the process (console, logs, reports, ledger
 * summaries, captured stderr) goes through {@link #redact(String)}; identifiers never need to,
 * because the plan loader refuses a credential in any other field. Immutable and thread-safe.
 */
public final class Secrets {
    /** What a secret is replaced with wherever it would have appeared. */
    public static final String MASK = "****";

    private static final Secrets NONE = new Secrets(List.of());

    // Longest first, so that a secret containing another secret is masked whole.
    private final List<String> values;

    private Secrets(Collection<String> values) {
        Set<String> unique = new TreeSet<>(values);
        List<String> sorted = new ArrayList<>(unique);
        sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        this.values = List.copyOf(sorted);
    }

    public static Secrets none() {
        return NONE;
    }

    /**
     * Shortest value that is masked: shorter credentials (a blank, "1", "ab") are ignored because
     * masking every "1" or "a" in a report would destroy it without protecting anything.
     */
    public static final int MIN_LENGTH = 3;

    /**
     * Builds the set; blank values and values shorter than {@link #MIN_LENGTH} characters are
     * ignored.
     */
    public static Secrets of(Collection<String> values) {
        List<String> kept = new ArrayList<>();
        for (String v : values) {
            if (v != null && v.strip().length() >= MIN_LENGTH) {
                kept.add(v);
            }
        }
        return kept.isEmpty() ? NONE : new Secrets(kept);
    }

    public Secrets plus(Collection<String> more) {
        List<String> all = new ArrayList<>(values);
        all.addAll(more);
        return of(all);
    }

    /** The values masked, longest first. */
    public List<String> values() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Returns {@code text} with every known secret replaced by {@link #MASK}; null stays null. */
    public String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    /** True when {@code text} contains any known secret (used by tests and by guards before writing). */
    public boolean leaksInto(String text) {
        if (text == null) {
            return false;
        }
        for (String v : values) {
            if (text.contains(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Secrets[" + values.size() + " masked]";
    }
}
