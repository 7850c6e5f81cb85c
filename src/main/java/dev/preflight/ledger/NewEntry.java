package dev.preflight.ledger;

import java.util.List;
import java.util.Objects;

/**
 * What a capability asks the ledger to record. The ledger adds sequence number, id, time, actor and
 * the hashes. {@code payload} is any JSON-encodable value (a record, a map, a {@code JsonNode});
 * {@code attachments} are small files (reports) the ledger stores itself, by name.
 */
public record NewEntry(String kind, String subject, Outcome outcome, String summary, Object payload,
                       List<Artifact> artifacts, List<Attachment> attachments) {
    public NewEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(outcome, "outcome");
        summary = summary == null ? "" : summary;
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public static NewEntry of(String kind, String subject, Outcome outcome, String summary, Object payload) {
        return new NewEntry(kind, subject, outcome, summary, payload, List.of(), List.of());
    }

    public NewEntry withArtifacts(List<Artifact> a) {
        return new NewEntry(kind, subject, outcome, summary, payload, a, attachments);
    }

    public NewEntry withAttachments(List<Attachment> a) {
        return new NewEntry(kind, subject, outcome, summary, payload, artifacts, a);
    }

    /** A small file stored inside the ledger (a report), recorded as an artifact {@code ledger:<name>}. */
    public record Attachment(String name, String mediaType, byte[] content) {
        public Attachment {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(content, "content");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }
}
