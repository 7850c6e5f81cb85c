package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cab} gate's decision (runbook §4.3): the ticket is approved AND carries the current
 * evidence. An attachment of an evidence slot whose SHA-256 differs from the current evidence is
 * stale and is named, with the {@code gates publish} that attached it when the ledger knows it.
 */
public final class CabGate {
    private CabGate() {
    }

    /**
     * Decides from what the ticket carries, the current evidence, and the ledger's
     * {@code gates-publish} entries (newest first), which say when each hash was attached.
     */
    public static GateResult decide(String ticket, ChangeTicket.State state, Evidence.Current current,
                                    List<LedgerEntry> publishes) {
        List<String> failures = new ArrayList<>();
        List<String> details = new ArrayList<>();
        details.add(ticket + ": " + state.status());
        if (!state.approved()) {
            failures.add(ticket + " is not approved (" + state.status() + ")");
            state.problems().forEach(p -> failures.add("  " + p));
        }
        current.missing().forEach(m -> failures.add("no current evidence: " + m));
        for (Evidence.Item item : current.items()) {
            if (item.slot().equals("runbook")) {
                boolean linked = state.texts().stream().anyMatch(t -> t != null && t.contains(item.link()))
                        || state.attachments().stream().anyMatch(a -> a.sha256().equals(item.sha256()));
                if (linked) {
                    details.add("runbook link present: " + item.link());
                } else {
                    failures.add("the runbook link " + item.link() + " is not on the ticket (run 'preflight gates publish')");
                }
                continue;
            }
            List<ChangeTicket.Attachment> same = state.attachments().stream()
                    .filter(a -> a.name().equals(item.fileName())).toList();
            List<ChangeTicket.Attachment> currentOnes = same.stream().filter(a -> a.sha256().equals(item.sha256())).toList();
            if (!currentOnes.isEmpty()) {
                ChangeTicket.Attachment a = currentOnes.get(0);
                details.add("current: " + a.name() + " (" + a.id() + ") sha256 " + short12(a.sha256()) + " = "
                        + item.description());
                same.stream().filter(x -> !x.sha256().equals(item.sha256())).forEach(x ->
                        details.add("superseded (ignored): " + x.name() + " (" + x.id() + ") sha256 " + short12(x.sha256())));
            } else if (!same.isEmpty()) {
                for (ChangeTicket.Attachment a : same) {
                    failures.add("stale attachment " + a.name() + " (" + a.id() + "): sha256 " + short12(a.sha256())
                            + " is not the current " + item.description() + " sha256 " + short12(item.sha256())
                            + publishedBy(a.sha256(), publishes) + "; run 'preflight gates publish'");
                }
            } else {
                failures.add("missing attachment " + item.fileName() + " (" + item.description()
                        + "); run 'preflight gates publish'");
            }
        }
        if (failures.isEmpty()) {
            return GateResult.pass("cab", ticket + " is approved and carries the current evidence (" + current.items().size()
                    + " item(s))", details);
        }
        List<String> all = new ArrayList<>(failures);
        all.addAll(details);
        String reason = failures.stream().filter(f -> !f.startsWith("  ")).findFirst().orElse(failures.get(0));
        long more = failures.stream().filter(f -> !f.startsWith("  ")).count() - 1;
        return GateResult.fail("cab", reason + (more > 0 ? " (and " + more + " more)" : ""), all);
    }

    private static String publishedBy(String sha, List<LedgerEntry> publishes) {
        for (LedgerEntry e : publishes) {
            try {
                JsonNode p = Json.parse(e.payload());
                for (JsonNode a : p.path("attached")) {
                    if (sha.equals(a.path("sha256").asText())) {
                        return " (attached by gates publish #" + e.seq() + " at " + e.time() + ")";
                    }
                }
            } catch (IllegalArgumentException ignored) {
                // A payload we cannot read says nothing about this hash.
            }
        }
        return "";
    }

    static String short12(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "..." : sha;
    }
}
