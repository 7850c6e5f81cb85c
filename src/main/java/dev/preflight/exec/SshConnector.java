package dev.preflight.exec;

import dev.preflight.core.Errors;
import dev.preflight.core.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.BaseBuilder;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Connects to {@code ssh://} hosts with Apache MINA SSHD as the client (local hosts get the local
 * runner): public-key authentication only, host keys checked against a known_hosts file, one
 * session per host that every command of that host then runs over. Thread-safe: hosts of a fleet
 * are connected in parallel through one connector; close it when the run is over.
 */
public final class SshConnector implements HostConnector, AutoCloseable {

    // MINA logs its set-up at INFO through SLF4J -> JUL; reports and progress must stay clean.
    private static final Logger SSHD_LOG = quiet();

    private final SshOptions options;
    private final Secrets secrets;
    private final List<KeyPair> identities;
    private final List<KnownHostEntry> knownHosts;
    private final SshClient client;
    /** Why the verifier refused a host key, by host:port; read when that host's connect fails. */
    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    /**
     * Reads the identity files and known_hosts once, up front, so a bad path is reported before any
     * host is contacted.
     *
     * @throws IOException when an identity file or (with strict checking) the known_hosts file cannot be read
     */
    public SshConnector(SshOptions options, Secrets secrets) throws IOException {
        this.options = options;
        this.secrets = secrets;
        this.identities = loadIdentities(options.identityFiles());
        if (options.strictHostKeys()) {
            if (!Files.isReadable(options.knownHosts())) {
                throw new IOException("known_hosts file " + options.knownHosts() + " cannot be read; "
                        + "host keys are checked strictly (add the hosts' keys with ssh-keyscan, or set "
                        + "strict_host_key_checking: false in the plan to accept any key)");
            }
            this.knownHosts = List.copyOf(KnownHostEntry.readKnownHostEntries(options.knownHosts()));
        } else {
            this.knownHosts = List.of();
        }
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new Verifier());
        configure(client);
        client.start();
    }

    /**
     * Initialises what the first connection of a fleet audit otherwise meets on the audit's own
     * path: MINA's client factories and security providers, the JDK's X25519, AES-GCM and SHA-2.
     * For a start-up thread to call while the command still reads its arguments and plan (a fleet
     * audit's first host took about 0.1 s longer than the others). Failures are left for the
     * connections to report.
     */
    public static void warmUp() {
        try {
            configure(SshClient.setUpDefaultClient());
            SecurityUtils.isEDDSACurveSupported();
            KeyPairGenerator.getInstance("X25519").generateKeyPair();
            KeyAgreement.getInstance("X25519");
            Cipher.getInstance("AES/GCM/NoPadding");
            MessageDigest.getInstance("SHA-256");
            MessageDigest.getInstance("SHA-512");
        } catch (GeneralSecurityException | RuntimeException | LinkageError ignored) {
            // the connections report it
        }
    }

    /** Authentication, cipher and key-exchange choices; the client is neither started nor connected. */
    private static void configure(SshClient client) {
        // Keys only: never fall back to password or keyboard-interactive prompts in a batch tool.
        client.setUserAuthFactoriesNames("publickey");
        // AES-GCM first: the JDK runs it on the CPU's AES instructions, where MINA's ChaCha20 is
        // plain Java; both are strong, and a fleet audit spends its CPU in the handshakes.
        client.setCipherFactoriesNames("aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr",
                "chacha20-poly1305@openssh.com");
        // Key exchange: X25519 first. MINA's default puts the post-quantum hybrid sntrup761x25519
        // first, which OpenSSH 9 servers accept and which MINA computes in plain Java: it made a
        // fleet audit's handshakes several times dearer than OpenSSH's own client. An audit
        // session carries tool versions; the hybrid stays available after the classical ones.
        List<BuiltinDHFactories> kex = new ArrayList<>(List.of(BuiltinDHFactories.curve25519,
                BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.ecdhp256));
        BaseBuilder.DEFAULT_KEX_PREFERENCE.stream().filter(k -> !kex.contains(k) && k.isSupported()).forEach(kex::add);
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, kex, ClientBuilder.DH2KEX));
    }

    private static Logger quiet() {
        Logger l = Logger.getLogger("org.apache.sshd");
        l.setLevel(Level.WARNING);
        return l;
    }

    private static List<KeyPair> loadIdentities(List<Path> files) throws IOException {
        List<KeyPair> out = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                throw new IOException("identity file " + f + " cannot be read");
            }
            try {
                for (KeyPair kp : new FileKeyPairProvider(f).loadKeys(null)) {
                    out.add(kp);
                }
            } catch (RuntimeException e) {
                throw new IOException("identity file " + f + " cannot be loaded (" + Errors.describe(e)
                        + "); passphrase-protected keys are not supported, use an unencrypted deploy key", e);
            }
        }
        return out;
    }

    @Override
    public ProcessRunner connect(HostUri host) throws IOException {
        return connect(host, () -> { });
    }

    /** {@inheritDoc} Here {@code answered} is called once the TCP connection is open, before the key exchange. */
    @Override
    public ProcessRunner connect(HostUri host, Runnable answered) throws IOException {
        if (host.isLocal()) {
            answered.run();
            return new LocalProcessRunner(secrets);
        }
        if (identities.isEmpty()) {
            throw new IOException("no identity file configured for " + host + " (set ssh.identity_files in the plan)");
        }
        long ms = options.connectTimeout().toMillis();
        ClientSession session = null;
        try {
            session = client.connect(host.user(), host.host(), host.port()).verify(ms).getSession();
            answered.run();
            for (KeyPair kp : identities) {
                session.addPublicKeyIdentity(kp);
            }
            session.auth().verify(ms);
            return new SshProcessRunner(session, host, options.loginShell(), secrets);
        } catch (IOException | RuntimeException e) {
            // Kept outside the session: MINA may clear a session's attributes while closing it.
            String refusal = refusals.remove(host.host() + ":" + host.port());
            if (session != null) {
                session.close(true);
            }
            throw new IOException(refusal != null ? refusal : describe(host, e), e);
        }
    }

    /** A reason an operator can act on, from MINA's exception chain. */
    private static String describe(HostUri host, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = Errors.describe(root);
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return "cannot resolve host name " + host.host();
        }
        if (root instanceof ConnectException) {
            return "cannot connect to " + host.host() + ":" + host.port() + " (" + msg + ")";
        }
        if (msg.contains("timeout") || msg.contains("timed out")) {
            return "no answer from " + host.host() + ":" + host.port() + " within the connect timeout";
        }
        if (msg.toLowerCase(Locale.ROOT).contains("auth")) {
            return "authentication as " + host.user() + " failed: no identity file was accepted";
        }
        return "SSH to " + host + " failed: " + msg;
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }

    /**
     * Strict known_hosts checking (plain and hashed entries, {@code [host]:port} forms,
     * {@code @revoked} markers), recording why a key was refused so the report can say it.
     */
    private final class Verifier implements ServerKeyVerifier {
        /** Keyed by identity: entries are read once and never change (see {@link #resolved}). */
        private final Map<KnownHostEntry, Optional<PublicKey>> decoded = Collections.synchronizedMap(new IdentityHashMap<>());

        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
            if (!options.strictHostKeys()) {
                return true;
            }
            HostUri h = hostOf(session);
            // Every line for this host first, then the verdict: a @revoked line refuses its key
            // wherever it stands in the file. Returning at the first plain line that matched
            // accepted a revoked key that was also listed above its revocation.
            boolean accepted = false;
            boolean named = false;
            for (KnownHostEntry e : knownHosts) {
                if (!e.isHostMatch(h.host(), h.port())) {
                    continue;
                }
                PublicKey known = resolved(e).orElse(null);
                if (known == null) {
                    continue;
                }
                boolean same = KeyUtils.compareKeys(known, key);
                if ("revoked".equals(e.getMarker()) && same) {
                    refusals.put(h.host() + ":" + h.port(), "host key of " + h.host() + ":" + h.port() + " ("
                            + KeyUtils.getFingerPrint(key) + ") is marked @revoked in " + options.knownHosts());
                    return false;
                }
                if (e.getMarker() != null) {
                    continue;
                }
                accepted |= same;
                named = true;
            }
            if (accepted) {
                return true;
            }
            // The fingerprint only for a refusal: it is a SHA-256 and Base64 per host that a fleet
            // whose keys all match never reads.
            String fp = KeyUtils.getFingerPrint(key);
            refusals.put(h.host() + ":" + h.port(), named
                    ? "HOST KEY MISMATCH: " + h.host() + ":" + h.port() + " presented " + fp + ", which does not match "
                    + options.knownHosts() + "; refused (the key changed, or someone is in the middle)"
                    : "host " + h.host() + ":" + h.port() + " is not in " + options.knownHosts() + " (its key is " + fp
                    + "); refused under strict host key checking");
            return false;
        }

        /**
         * The entry's key, decoded once per connector rather than once per host that matches it:
         * decoding an Ed25519 key decompresses a curve point, and a fleet's known_hosts is read
         * for every one of its hosts. Empty when the key cannot be decoded (then it matches nothing).
         */
        private Optional<PublicKey> resolved(KnownHostEntry e) {
            return decoded.computeIfAbsent(e, k -> {
                try {
                    return Optional.ofNullable(k.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING));
                } catch (IOException | GeneralSecurityException ex) {
                    return Optional.empty();
                }
            });
        }

        private HostUri hostOf(ClientSession session) {
            // The address as the caller named it: OpenSSH matches known_hosts against the typed name.
            SocketAddress addr = session.getConnectAddress();
            if (addr instanceof SshdSocketAddress sa) {
                return new HostUri("ssh", session.getUsername(), sa.getHostName(), sa.getPort());
            }
            if (addr instanceof InetSocketAddress isa) {
                return new HostUri("ssh", session.getUsername(), isa.getHostString(), isa.getPort());
            }
            return new HostUri("ssh", session.getUsername(), String.valueOf(addr), 22);
        }
    }
}
