package dev.preflight.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How Preflight connects to an environment's {@code ssh://} hosts. Host keys are checked strictly
 * against {@code knownHosts} unless the plan explicitly relaxes it: an unknown or changed key is a
 * refusal, never a prompt and never silently accepted.
 *
 * @param knownHosts     the OpenSSH known_hosts file host keys are checked against
 * @param identityFiles  private keys offered for public-key authentication (unencrypted OpenSSH or
 *                       PEM files; passwords are never used)
 * @param strictHostKeys false only when the plan says {@code strict_host_key_checking: false}
 * @param loginShell     run probes in a login shell on the host ({@code bash -lc}), for tools that
 *                       are only on PATH there (nvm-installed node)
 * @param connectTimeout limit for connecting and authenticating to one host
 */
public record SshOptions(Path knownHosts, List<Path> identityFiles, boolean strictHostKeys, boolean loginShell,
                         Duration connectTimeout) {
    public SshOptions {
        identityFiles = List.copyOf(identityFiles);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    }

    /** OpenSSH's defaults: {@code ~/.ssh/known_hosts}, the usual identity files that exist, strict checking. */
    public static SshOptions defaults() {
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        List<Path> ids = List.of("id_ed25519", "id_ecdsa", "id_rsa").stream().map(ssh::resolve)
                .filter(Files::isRegularFile).toList();
        return new SshOptions(ssh.resolve("known_hosts"), ids, true, false, Duration.ofSeconds(10));
    }
}
