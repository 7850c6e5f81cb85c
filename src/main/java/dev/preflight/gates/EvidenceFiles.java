package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The files {@code gates publish} attaches to the CAB ticket, rendered from ledger entries: the audit
 * report as recorded (with the entry and ledger head it comes from) and a backup's log entry as a
 * reviewer reads it.
 */
final class EvidenceFiles {
    private EvidenceFiles() {
    }

    /**
     * The audit report as recorded, with {@code preflight_ledger} added: the entry it comes from and
     * the ledger head when it was published (a report that is not a JSON object is wrapped).
     */
    static byte[] auditReport(byte[] raw, LedgerEntry e, LedgerEntry head) {
        ObjectNode doc;
        try {
            JsonNode n = Json.mapper().readTree(raw);
            doc = n instanceof ObjectNode o ? o : wrap(n);
        } catch (IOException ex) {
            doc = wrap(Json.mapper().getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8)));
        }
        ObjectNode l = doc.putObject("preflight_ledger");
        l.put("entry_seq", e.seq()).put("entry_hash", e.hash());
        l.put("head_seq", head == null ? e.seq() : head.seq()).put("head_hash", head == null ? e.hash() : head.hash());
        return (Json.pretty(doc) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode wrap(JsonNode n) {
        ObjectNode o = Json.object();
        o.set("report", n);
        return o;
    }

    /** The backup's log entry as a reviewer reads it in the ticket, with the ledger head when it was published. */
    static String backupLog(LedgerEntry e, LedgerEntry head) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Backup evidence: Preflight ledger entry #").append(e.seq()).append("\n\n");
        sb.append("| field | value |\n| --- | --- |\n");
        sb.append("| kind | ").append(e.kind()).append(" |\n");
        sb.append("| subject | ").append(e.subject()).append(" |\n");
        sb.append("| outcome | ").append(e.outcome().label()).append(" |\n");
        sb.append("| time | ").append(e.time()).append(" |\n");
        sb.append("| actor | ").append(e.actor()).append(" |\n");
        sb.append("| summary | ").append(e.summary().replace("|", "\\|")).append(" |\n");
        sb.append("| entry hash | ").append(e.hash()).append(" |\n");
        if (head != null) {
            sb.append("| ledger head when published | #").append(head.seq()).append(' ').append(head.hash()).append(" |\n");
        }
        sb.append('\n');
        if (!e.artifacts().isEmpty()) {
            sb.append("| location | size | SHA-256 |\n| --- | ---: | --- |\n");
            for (Artifact a : e.artifacts()) {
                sb.append("| ").append(a.location()).append(" | ").append(a.size()).append(" | ").append(a.sha256())
                        .append(" |\n");
            }
            sb.append('\n');
        }
        sb.append("```json\n").append(e.payload()).append("\n```\n");
        return sb.toString();
    }

    static byte[] attachment(Ledger ledger, String name) {
        try {
            Optional<InputStream> in = ledger.openAttachment(name);
            if (in.isEmpty()) {
                return null;
            }
            try (InputStream s = in.get()) {
                return s.readAllBytes();
            }
        } catch (IOException e) {
            return null;
        }
    }

}
