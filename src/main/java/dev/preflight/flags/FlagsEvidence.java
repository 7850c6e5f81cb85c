package dev.preflight.flags;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.LedgerEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger kinds the flags capability records and the typed payload of a toggle, written and
 * read only here: no other class spells a kind or a payload field.
 */
public final class FlagsEvidence {
    /** A toggle attempt (passed when it landed, failed when refused). */
    public static final String TOGGLE = EvidenceKind.FLAG_TOGGLE.id();
    /** A validation run; the risk register's evidence for "feature flag misconfiguration". */
    public static final String VALIDATE = EvidenceKind.FLAGS_VALIDATE.id();

    /**
     * The registry a validation checks the files against, as a SHA-256 hex: the env key, which file
     * belongs to which environment, and each flag's name, type and per-environment defaults. A
     * validation records it (payload field {@code registry}) and readiness compares it with the plan
     * as it is now: files validated against another registry are not vouched for.
     */
    static String registry(FlagsPlan plan) {
        List<Object> flags = new ArrayList<>();
        for (FlagsPlan.Flag f : plan.flags()) {
            flags.add(List.of(f.name(), f.type().label(), new TreeMap<>(f.defaults())));
        }
        Map<String, String> files = new TreeMap<>();
        plan.files().forEach((env, f) -> files.put(env, f.path().toString()));
        return Hashing.sha256Hex(Json.canonical(List.of("flags-registry/1", plan.envKey(), files, flags)));
    }

    /**
     * What a validation entry's payload says the application source it scanned reads: the directory
     * and the sorted flag names; null when it scanned none (or does not say).
     */
    static Map.Entry<String, List<String>> source(JsonNode payload) {
        JsonNode dir = payload.path("source_dir");
        JsonNode flags = payload.path("source_flags");
        if (!dir.isTextual() || !flags.isArray()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        flags.forEach(f -> names.add(f.asText()));
        return Map.entry(dir.asText(), names);
    }

    /** The registry fingerprint a validation entry's payload records, or null when it records none. */
    static String registry(JsonNode payload) {
        JsonNode r = payload.path("registry");
        return r.isTextual() ? r.asText() : null;
    }

    private FlagsEvidence() {
    }

    /**
     * The validation a {@link #VALIDATE} entry's attachment holds (the JSON of {@link FlagsReport#VALIDATION}),
     * read leniently ({@link Json#readLenient}); an attachment that cannot be read gives an empty
     * validation (no file, no problem), never an exception.
     */
    public static FlagsReport.ValidationJson validation(JsonNode attachment) {
        return Json.readLenient(attachment, FlagsReport.ValidationJson.class).orElse(FlagsReport.ValidationJson.EMPTY);
    }

    /** The subject of toggles of {@code flag} in {@code env}: {@code communities@production}. */
    public static String subject(String flag, String env) {
        return flag + "@" + env;
    }

    /**
     * The payload of a {@link #TOGGLE} entry.
     *
     * @param old        the value before, null when the file did not set it
     * @param approvedBy null unless given (production needs it)
     * @param project    the plan's project whose file was toggled; null in toggles recorded before it was
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"flag", "environment", "old", "new", "reason", "approved_by", "file", "sha256_before",
        "sha256_after", "project"})
    public record Toggle(String flag, String environment, Boolean old, boolean on, String reason, String approvedBy,
                         String file, String sha256Before, String sha256After, String project) {
        /** Serialised as {@code new}, the name the ledger has always used. */
        @JsonProperty("new")
        @Override
        public boolean on() {
            return on;
        }

        /** Reads the payload of a toggle entry. */
        public static Toggle of(LedgerEntry e) {
            JsonNode p = Json.parse(e.payload());
            return new Toggle(p.path("flag").asText(null), p.path("environment").asText(),
                    p.path("old").isNull() || p.path("old").isMissingNode() ? null : p.path("old").asBoolean(),
                    p.path("new").asBoolean(), p.path("reason").asText(null),
                    p.path("approved_by").isNull() ? null : p.path("approved_by").asText(null),
                    p.path("file").asText(null), p.path("sha256_before").asText(null), p.path("sha256_after").asText(null),
                    p.path("project").isTextual() ? p.path("project").asText() : null);
        }

        /**
         * Whether this toggle switched {@code project}'s file {@code file} (as {@link FlagsContext#display}
         * names it): one recording its project by that project; an older one, which records none, by
         * the file it names. Toggles of the same flag name are recorded under one subject whatever
         * the project, so on a shared ledger another project's approval was read as this one's.
         */
        public boolean of(String project, String file) {
            return this.project != null ? this.project.equals(project) : file.equals(this.file);
        }
    }
}
