package dev.preflight.gates;

import java.util.List;

/** Sends one notice to its recipients; the SMTP implementation is {@link SmtpMailer}. */
public interface Mailer {
    /** Sends or throws {@link GateException} saying why not. */
    void send(String from, List<String> to, String subject, String body);
}
