package dev.preflight.gates;

import dev.preflight.core.Errors;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Sends notices through an SMTP relay with Jakarta Mail (Eclipse Angus): STARTTLS required by
 * default, implicit TLS ({@code ssl}) or plain ({@code none}, for a relay on localhost), with
 * authentication when a user is configured; connect and I/O timeouts are bounded.
 */
public final class SmtpMailer implements Mailer {
    private final GatesPlan.Smtp smtp;

    public SmtpMailer(GatesPlan.Smtp smtp) {
        this.smtp = smtp;
    }

    @Override
    public void send(String from, List<String> to, String subject, String body) {
        Properties p = new Properties();
        String proto = "ssl".equals(smtp.security()) ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", smtp.host());
        p.put("mail." + proto + ".port", String.valueOf(smtp.port()));
        p.put("mail." + proto + ".connectiontimeout", "10000");
        p.put("mail." + proto + ".timeout", "30000");
        p.put("mail." + proto + ".writetimeout", "30000");
        if ("starttls".equals(smtp.security())) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        boolean auth = smtp.user() != null && !smtp.user().isBlank();
        p.put("mail." + proto + ".auth", String.valueOf(auth));
        Session session = auth ? Session.getInstance(p, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(smtp.user(), smtp.password() == null ? "" : smtp.password().value());
            }
        }) : Session.getInstance(p);
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from));
            for (String t : to) {
                m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
            }
            m.setSubject(subject, "UTF-8");
            m.setText(body, "UTF-8");
            m.setSentDate(new Date());
            Transport.send(m);
        } catch (MessagingException e) {
            throw new GateException("smtp: cannot send '" + subject + "' via " + smtp.host() + ":" + smtp.port() + ": "
                    + Errors.describe(e), "check gates.notice.smtp (host, port, security, user/password)", e);
        }
    }
}
