package dev.preflight.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.UnknownCommand;

/**
 * A throwaway SSH server on loopback for the start-up archive's training ({@link CdsTraining}): an
 * audit of it goes through the SSH client as a fleet audit does (key exchange, host key check, key
 * authentication, an exec channel) so that the archive holds those classes too; without them a
 * 100-host audit loaded 1,300 classes from the jar and took 20% more CPU. It answers every command
 * as unknown: the audit's verdict does not matter, the path through the client does.
 */
final class SshTrainingHost implements AutoCloseable {
    private final SshServer server;
    private final Path knownHosts;
    private final Path identity;

    private SshTrainingHost(SshServer server, Path knownHosts, Path identity) {
        this.server = server;
        this.knownHosts = knownHosts;
        this.identity = identity;
    }

    /** Starts the server on an ephemeral loopback port; its known_hosts and client key go into {@code dir}. */
    static SshTrainingHost start(Path dir) throws IOException, GeneralSecurityException {
        KeyPairGenerator ed25519 = SecurityUtils.getKeyPairGenerator(SecurityUtils.EDDSA);
        KeyPair hostKey = ed25519.generateKeyPair();
        KeyPair client = ed25519.generateKeyPair();
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, client.getPublic()));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> new UnknownCommand(command));
        server.start();
        Path identity = dir.resolve("training_ed25519");
        try (OutputStream out = Files.newOutputStream(identity)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "preflight-training", null, out);
        }
        Path knownHosts = dir.resolve("training_known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
        return new SshTrainingHost(server, knownHosts, identity);
    }

    /** A plan with one environment of two hosts on this server and the audit's requirements. */
    String plan() {
        String uri = "ssh://training@127.0.0.1:" + server.getPort();
        return """
                version: 1
                project: {name: training}
                environments:
                  - name: fleet
                    ssh: {known_hosts: %s, identity_files: [%s]}
                    hosts:
                      - {name: a, uri: "%s"}
                      - {name: b, uri: "%s"}
                requirements:
                  - {tool: php, version: "8.3"}
                  - {tool: node, version: "20"}
                """.formatted(knownHosts, identity, uri, uri);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
