package dev.preflight.flags;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Outcome;
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
    /**
     * A toggle about to rewrite its file, recorded before the file changes (outcome warning: in
     * progress until its {@link #TOGGLE} entry names it). One with no outcome after it is a change
     * the ledger cannot vouch for: {@link #unfinished} finds them.
     */
    public static final String INTENT = EvidenceKind.FLAG_TOGGLE_INTENT.id();
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
     * The payload of a {@link #TOGGLE} entry, and of an {@link #INTENT} entry (what the toggle is about to do).
     *
     * @param old        the value before, null when the file did not set it
     * @param approvedBy null unless given (production needs it)
     * @param project    the plan's project whose file was toggled; null in toggles recorded before it was
     * @param intent     in an outcome, the sequence number of the intent it concludes; null in an intent,
     *                   and in toggles that did not rewrite the file (refused, unchanged) or predate intents
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"flag", "environment", "old", "new", "reason", "approved_by", "file", "sha256_before",
        "sha256_after", "project", "intent"})
    public record Toggle(String flag, String environment, Boolean old, boolean on, String reason, String approvedBy,
                         String file, String sha256Before, String sha256After, String project,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Long intent) {
        /** Serialised as {@code new}, the name the ledger has always used. */
        @JsonProperty("new")
        @Override
        public boolean on() {
            return on;
        }

        /** Reads the payload of a toggle (or intent) entry. */
        public static Toggle of(LedgerEntry e) {
            JsonNode p = Json.parse(e.payload());
            return new Toggle(p.path("flag").asText(null), p.path("environment").asText(),
                    p.path("old").isNull() || p.path("old").isMissingNode() ? null : p.path("old").asBoolean(),
                    p.path("new").asBoolean(), p.path("reason").asText(null),
                    p.path("approved_by").isNull() ? null : p.path("approved_by").asText(null),
                    p.path("file").asText(null), p.path("sha256_before").asText(null), p.path("sha256_after").asText(null),
                    p.path("project").isTextual() ? p.path("project").asText() : null,
                    p.path("intent").canConvertToLong() && p.path("intent").isIntegralNumber()
                            ? p.path("intent").asLong() : null);
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

    /** A toggle whose intent is on the ledger with no outcome after it: the entry and what it meant to do. */
    public record Unfinished(LedgerEntry entry, Toggle toggle) {
        /**
         * What the user reads: which flag, what change, when and by whom, what the file holds now
         * ({@code shaNow}, null when unknown) and how to reconcile.
         */
        public String describe(String shaNow) {
            Toggle t = toggle;
            String now = shaNow == null ? "" : shaNow.equals(t.sha256After()) ? "; the file now holds the intended change"
                    : shaNow.equals(t.sha256Before()) ? "; the file now holds the state before it"
                    : "; the file has changed otherwise since";
            String env = t.environment();
            String again = "preflight flags toggle " + t.flag() + (t.on() ? " --on" : " --off") + " --env " + env
                    + " --reason WHY" + (env.equals(FlagsPlan.PRODUCTION) ? " --approved-by WHO" : "");
            String back = "preflight flags toggle " + t.flag() + (t.on() ? " --off" : " --on") + " --env " + env
                    + " --reason WHY" + (env.equals(FlagsPlan.PRODUCTION) ? " --approved-by WHO" : "");
            return "flag '" + t.flag() + "': the toggle " + FlagsToggle.onOff(t.old()) + " -> " + FlagsToggle.onOff(t.on())
                    + " begun at " + entry.time() + " by " + entry.actor() + " (ledger entry #" + entry.seq()
                    + ") has no recorded outcome: it stopped before it finished, so the ledger does not vouch for "
                    + "this flag's value" + now + ". Reconcile: '" + again + "' records it, or '" + back + "' reverts it";
        }
    }

    /**
     * The toggles of {@code project}'s {@code environment} file whose intent has no outcome: none
     * names it, and no toggle of the same flag there passed after it (a re-run records the file as it
     * is, which settles the earlier one). Newest first.
     */
    public static List<Unfinished> unfinished(Ledger ledger, String project, String environment) {
        List<Unfinished> out = new ArrayList<>();
        List<LedgerEntry> intents = ledger.query(new LedgerQuery(INTENT, null, null, 0, true));
        if (intents.isEmpty()) {
            return out;
        }
        List<LedgerEntry> outcomes = ledger.query(new LedgerQuery(TOGGLE, null, null, 0, true));
        for (LedgerEntry i : intents) {
            Toggle t = Toggle.of(i);
            if (t.project() == null || !t.project().equals(project) || !environment.equals(t.environment())) {
                continue;
            }
            boolean settled = outcomes.stream().anyMatch(o -> {
                if (o.seq() <= i.seq()) {
                    return false;
                }
                Toggle r = Toggle.of(o);
                if (!project.equals(r.project())) {
                    return false;
                }
                return Long.valueOf(i.seq()).equals(r.intent()) || (o.outcome() == Outcome.PASSED
                        && t.flag() != null && t.flag().equals(r.flag()) && environment.equals(r.environment()));
            });
            if (!settled) {
                out.add(new Unfinished(i, t));
            }
        }
        return out;
    }
}
