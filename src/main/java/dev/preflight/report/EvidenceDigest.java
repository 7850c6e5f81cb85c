package dev.preflight.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger holds as evidence, gathered for the readiness report: the newest audit of each
 * environment (with its attached report), recent backups with their checksums, restore tests,
 * flag validations and toggles, dependency reviews, cutover steps, gate checks and sign-offs. Read
 * only; nothing here is re-checked, it is shown as recorded (the verdict comes from the sections).
 */
public record EvidenceDigest(Map<String, Audit> audits, Map<String, List<LedgerEntry>> groups, String ledgerHead,
                             String ledgerDescription) {

    /** An environment's newest audit entry and its attached JSON report (null when unreadable). */
    public record Audit(LedgerEntry entry, JsonNode report) {
    }

    /** Evidence groups in the order the report shows them: title, ledger kind, how many entries. */
    public static final List<String[]> GROUPS = List.of(
            new String[]{"Backups", "backup", "20"},
            new String[]{"Backup verification", "backup-verify", "10"},
            new String[]{"Restore tests", "restore-test", "10"},
            new String[]{"Dependency review", "deps", "5"},
            new String[]{"Feature flag validation", "flags-validate", "5"},
            new String[]{"Feature flag toggles", "flag-toggle", "20"},
            new String[]{"Cutover steps", "cutover-step", "20"},
            new String[]{"Gate checks", "gates", "5"},
            new String[]{"Sign-offs", "sign-off", "10"});

    public static EvidenceDigest read(Ledger ledger) {
        Map<String, Audit> audits = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery("audit", null, null, 200, true))) {
            if (!audits.containsKey(e.subject())) {
                audits.put(e.subject(), new Audit(e, attachedJson(ledger, e)));
            }
        }
        Map<String, List<LedgerEntry>> groups = new LinkedHashMap<>();
        for (String[] g : GROUPS) {
            groups.put(g[1], ledger.query(new LedgerQuery(g[1], null, null, Integer.parseInt(g[2]), true)));
        }
        String head = ledger.head().map(LedgerEntry::hash).orElse(null);
        return new EvidenceDigest(audits, groups, head, ledger.describe());
    }

    private static JsonNode attachedJson(Ledger ledger, LedgerEntry e) {
        for (Artifact a : e.artifacts()) {
            if (a.location().startsWith("ledger:") && a.location().endsWith(".json")) {
                try {
                    var in = ledger.openAttachment(a.location().substring("ledger:".length()));
                    if (in.isPresent()) {
                        try (InputStream s = in.get()) {
                            return Json.parse(new String(s.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException | IllegalArgumentException ex) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The audit matrix of one report: header row, then one row per host. */
    public static List<List<String>> matrix(JsonNode report) {
        List<String> labels = new ArrayList<>();
        for (JsonNode h : report.path("hosts")) {
            for (JsonNode c : h.path("checks")) {
                String l = c.path("requirement").asText();
                if (!labels.contains(l)) {
                    labels.add(l);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("host"));
        head.addAll(labels);
        rows.add(head);
        for (JsonNode h : report.path("hosts")) {
            List<String> row = new ArrayList<>(List.of(h.path("environment").asText() + "/" + h.path("host").asText()));
            for (String l : labels) {
                String cell = h.path("unreachable").isTextual() ? "UNREACHABLE" : "-";
                for (JsonNode c : h.path("checks")) {
                    if (c.path("requirement").asText().equals(l)) {
                        cell = c.path("result").asText() + " " + c.path("found").asText();
                    }
                }
                row.add(cell.strip());
            }
            rows.add(row);
        }
        return rows;
    }
}
