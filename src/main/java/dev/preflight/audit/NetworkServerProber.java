package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Server;
import dev.preflight.core.Errors;
import dev.preflight.plan.Plan;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The real {@link ServerProber}: MySQL and MariaDB through the MariaDB JDBC driver (credentials in
 * connection properties, never in the URL), Redis through a minimal RESP exchange ({@code AUTH}
 * when a password is configured, then {@code INFO server}). Stateless and thread-safe.
 */
public final class NetworkServerProber implements ServerProber {
    private final Duration timeout;

    public NetworkServerProber(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String query(Server server) throws IOException {
        return switch (server.kind()) {
            case "mysql" -> mysql(server.endpoint());
            case "redis" -> redis(server.endpoint());
            default -> throw new IOException("no probe for server kind " + server.kind());
        };
    }

    private String mysql(Plan.Endpoint e) throws IOException {
        Properties p = new Properties();
        if (e.user() != null) {
            p.setProperty("user", e.user());
        }
        if (e.password() != null) {
            p.setProperty("password", e.password().value());
        }
        p.setProperty("connectTimeout", String.valueOf(timeout.toMillis()));
        p.setProperty("socketTimeout", String.valueOf(timeout.toMillis()));
        String url = "jdbc:mariadb://" + e.host() + ":" + e.port() + "/";
        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            if (!rs.next()) {
                throw new IOException("SELECT VERSION() on " + e + " returned no row");
            }
            return rs.getString(1);
        } catch (SQLException ex) {
            if (unresolved(ex)) {
                throw new IOException("cannot resolve the MySQL server's host name " + e.host(), ex);
            }
            // The driver's message names host and port and the server's refusal, never the password.
            throw new IOException("MySQL server " + e + ": " + firstLine(Errors.describe(ex)), ex);
        }
    }

    private String redis(Plan.Endpoint e) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(e.host(), e.port()), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (e.password() != null) {
                List<String> auth = new ArrayList<>(List.of("AUTH"));
                if (e.user() != null) {
                    auth.add(e.user());
                }
                auth.add(e.password().value());
                send(out, auth);
                String reply = readLine(in);
                if (!reply.startsWith("+")) {
                    throw new IOException("Redis server " + e + " refused AUTH: " + reply.substring(1));
                }
            }
            send(out, List.of("INFO", "server"));
            String head = readLine(in);
            if (head.startsWith("-")) {
                throw new IOException("Redis server " + e + ": " + head.substring(1));
            }
            if (!head.startsWith("$")) {
                throw new IOException("Redis server " + e + " answered INFO with '" + head + "'");
            }
            int len = Integer.parseInt(head.substring(1));
            byte[] body = in.readNBytes(len);
            if (body.length != len) {
                throw new IOException("Redis server " + e + " closed the connection mid-answer");
            }
            return new String(body, StandardCharsets.UTF_8);
        } catch (UnknownHostException ex) {
            throw new IOException("cannot resolve the Redis server's host name " + e.host(), ex);
        } catch (SocketTimeoutException ex) {
            throw new IOException("Redis server " + e + " did not answer within " + timeout.toSeconds() + " s", ex);
        } catch (ConnectException ex) {
            throw new IOException("cannot connect to Redis server " + e + " (" + Errors.describe(ex) + ")", ex);
        }
    }

    private static boolean unresolved(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static void send(OutputStream out, List<String> args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            b.write(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(v);
            b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                int n = in.read();
                if (n == '\n') {
                    return b.toString(StandardCharsets.UTF_8);
                }
                b.write(c);
                c = n;
            }
            b.write(c);
        }
        throw new IOException("connection closed before a complete reply");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
