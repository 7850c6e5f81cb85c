package dev.preflight.gates;

import java.util.List;

/**
 * A CAB change ticket behind one interface (Jira issue, ServiceNow change request, or a Markdown
 * change record in the repository): read its approval and what it carries, and attach evidence.
 */
public interface ChangeTicket {
    /** For messages: provider and ticket ({@code jira ACAD-1234}). */
    String describe();

    /** Reads approval, the Preflight evidence attachments (with their SHA-256) and the ticket's texts. */
    State read();

    /** Attaches the evidence (the runbook as a link where the provider has links); returns what was attached. */
    List<Published> publish(List<CabEvidence.Item> items);

    /**
     * What a ticket says and carries.
     *
     * @param approved    whether the ticket is approved for implementation
     * @param status      the status as the provider shows it ({@code Approved}, {@code approval=approved, state=-2})
     * @param problems    why it is not approved (unchecked checklist items, missing approver), may be empty
     * @param attachments Preflight evidence attachments ({@code preflight-*}) with the SHA-256 of their content
     * @param texts       description, comments, remote-link URLs: where a link may be written
     */
    record State(boolean approved, String status, List<String> problems, List<Attachment> attachments,
                 List<String> texts) {
        public State {
            problems = List.copyOf(problems);
            attachments = List.copyOf(attachments);
            texts = List.copyOf(texts);
        }
    }

    /** One attachment: id (provider's), file name, size, SHA-256 of the content as downloaded. */
    record Attachment(String id, String name, long size, String sha256) {
    }

    /** One thing {@link #publish} attached: slot, name, the provider's reference, its SHA-256. */
    record Published(String slot, String name, String reference, String sha256) {
    }

    /** Only attachments named like Preflight evidence are downloaded and hashed. */
    static boolean isEvidenceName(String fileName) {
        return fileName != null && fileName.startsWith("preflight-");
    }
}
