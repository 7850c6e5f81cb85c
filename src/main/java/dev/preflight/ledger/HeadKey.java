package dev.preflight.ledger;

import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The Ed25519 key (JDK provider) that signs and checks ledger heads, so that editing a head file or a
 * bundle's head is caught too. Writers hold the private key, reviewers may hold only the public one.
 * Ed25519 signatures are deterministic, so a holder of the private key checks a signature by signing
 * again; the JDK cannot derive the public key from the private one.
 *
 * <p>Taken from the environment: {@code PREFLIGHT_LEDGER_KEY} (private key: PEM
 * {@code BEGIN PRIVATE KEY} or base64 PKCS#8 DER) or {@code PREFLIGHT_LEDGER_KEY_FILE} (a file with
 * either); {@code PREFLIGHT_LEDGER_PUBLIC_KEY} / {@code PREFLIGHT_LEDGER_PUBLIC_KEY_FILE} (PEM
 * {@code BEGIN PUBLIC KEY} or base64 X.509 DER) to check without signing.
 */
public final class HeadKey {
    public static final String ENV_PRIVATE = "PREFLIGHT_LEDGER_KEY";
    public static final String ENV_PUBLIC = "PREFLIGHT_LEDGER_PUBLIC_KEY";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String source;

    private HeadKey(PrivateKey privateKey, PublicKey publicKey, String source) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.source = source;
    }

    /** A key that signs (and checks by signing again). */
    public static HeadKey signing(PrivateKey key, String source) {
        return new HeadKey(key, null, source);
    }

    /** A key that only checks. */
    public static HeadKey checking(PublicKey key, String source) {
        return new HeadKey(null, key, source);
    }

    /** The key the environment names, if any; a value that is not an Ed25519 key is exit 2. */
    public static Optional<HeadKey> fromEnv(Map<String, String> env, Path cwd) {
        String priv = value(env, ENV_PRIVATE, cwd);
        if (priv != null) {
            return Optional.of(signing(parsePrivate(priv, ENV_PRIVATE), ENV_PRIVATE));
        }
        String pub = value(env, ENV_PUBLIC, cwd);
        if (pub != null) {
            return Optional.of(checking(parsePublic(pub, ENV_PUBLIC), ENV_PUBLIC));
        }
        return Optional.empty();
    }

    private static String value(Map<String, String> env, String name, Path cwd) {
        String inline = env.get(name);
        if (inline != null && !inline.isBlank()) {
            return inline;
        }
        String file = env.get(name + "_FILE");
        if (file == null || file.isBlank()) {
            return null;
        }
        Path p = cwd.resolve(file);
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw PreflightException.usage(name + "_FILE: cannot read " + p + ": " + Errors.describe(e), null);
        }
    }

    private static byte[] der(String text, String name, String pemLabel) {
        String body = text.replaceAll("-----(BEGIN|END) " + pemLabel + "-----", "").replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw PreflightException.usage(name + " is neither PEM nor base64", "see README: signed ledger heads");
        }
    }

    private static PrivateKey parsePrivate(String text, String name) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(text, name, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw PreflightException.usage(name + " is not an Ed25519 private key (PKCS#8)",
                    "make one with: openssl genpkey -algorithm ed25519");
        }
    }

    private static PublicKey parsePublic(String text, String name) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(text, name, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw PreflightException.usage(name + " is not an Ed25519 public key (X.509)",
                    "derive it with: openssl pkey -in key.pem -pubout");
        }
    }

    /** True when this key can sign (it is the private key). */
    public boolean canSign() {
        return privateKey != null;
    }

    /** Where the key came from (an environment variable's name), for messages. */
    public String source() {
        return source;
    }

    /** Base64 Ed25519 signature of {@code message}. */
    public String sign(byte[] message) {
        if (privateKey == null) {
            throw new IllegalStateException("a public key cannot sign");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code signature} (base64) is this key's signature of {@code message}. */
    public boolean verify(byte[] message, String signature) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            if (privateKey != null) {
                // Deterministic signatures: the same key over the same message gives the same bytes.
                return MessageDigest.isEqual(Base64.getDecoder().decode(sign(message)), sig);
            }
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey);
            s.update(message);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
