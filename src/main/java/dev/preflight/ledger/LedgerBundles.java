package dev.preflight.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.AtomicFiles;
import dev.preflight.core.Errors;
import dev.preflight.core.ExitCode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Exports the ledger as one zip a reviewer can check offline: {@code manifest.json} (format,
 * entry count, the head as {@code seq}, {@code hash}, {@code time} and, with a ledger key, its
 * Ed25519 signature; SHA-256 and size of every other file), {@code entries.jsonl} (every entry with
 * its hashes) and {@code attachments/NAME} (every artifact the ledger stores). Verification never
 * throws on a damaged or doctored bundle: it reports it broken, naming the problem.
 *
 * <p>What a bundle alone cannot show: that entries were cut off its end and the manifest rewritten
 * to match. A head kept elsewhere ({@code --expect-head}) or a signed head catches that.
 */
public final class LedgerBundles {
    static final String FORMAT = "preflight-ledger-bundle/2";
    private static final String FORMAT_1 = "preflight-ledger-bundle/1";

    private LedgerBundles() {
    }

    /** What an export wrote. */
    public record BundleSummary(long entries, int attachments, String headHash, LedgerHead head, boolean signed) {
        @Override
        public String toString() {
            return entries + " entries and " + attachments + " attachment(s), head " + head
                    + (signed ? " (signed)" : "");
        }
    }

    public static BundleSummary export(Ledger ledger, Path zip) {
        VerifyResult live = ledger.verify();
        if (live instanceof VerifyResult.Broken b) {
            throw new PreflightException(ExitCode.CHECKS_FAILED, "refusing to export a broken ledger: entry #"
                    + b.firstBadSeq() + ": " + b.reason(), "run 'preflight ledger verify' and investigate first");
        }
        List<LedgerEntry> entries = ledger.query(LedgerQuery.all());
        Map<String, byte[]> files = new TreeMap<>();
        StringBuilder jsonl = new StringBuilder();
        for (LedgerEntry e : entries) {
            jsonl.append(Json.canonical(e)).append('\n');
        }
        files.put("entries.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
        List<String> names = ledger.attachmentNames();
        try {
            for (String n : names) {
                try (InputStream in = ledger.openAttachment(n).orElseThrow()) {
                    files.put("attachments/" + n, in.readAllBytes());
                }
            }
            LedgerEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            LedgerHead head = last == null ? LedgerHead.EMPTY : LedgerHead.of(last);
            Instant time = last == null ? null : last.time();
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("seq", head.seq());
            h.put("hash", head.hash());
            h.put("time", time == null ? null : time.toString());
            Optional<HeadKey> key = ledger.headKey().filter(HeadKey::canSign);
            key.ifPresent(k -> h.put("signature", k.sign(HeadWitness.signedText(head, time))));
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", FORMAT);
            manifest.put("ledger", ledger.describe());
            manifest.put("entries", entries.size());
            manifest.put("head_hash", head.hash());
            manifest.put("head", h);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                list.add(Map.of("path", f.getKey(), "size", f.getValue().length, "sha256", Hashing.sha256Hex(f.getValue())));
            }
            manifest.put("files", list);
            List<BundleZip.File> out = new ArrayList<>();
            out.add(new BundleZip.File("manifest.json", Json.pretty(manifest).getBytes(StandardCharsets.UTF_8)));
            files.forEach((n, d) -> out.add(new BundleZip.File(n, d)));
            AtomicFiles.write(zip, o -> BundleZip.write(o, out));
            return new BundleSummary(entries.size(), names.size(), head.hash(), head, key.isPresent());
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE, "cannot write bundle " + zip + ": " + Errors.describe(e), null, e);
        }
    }

    /** Verifies a bundle offline with nothing kept elsewhere; see {@link #check}. */
    public static VerifyResult verify(Path zip) {
        return check(zip, null, Optional.empty()).result();
    }

    /**
     * Verifies a bundle offline: its zip layout, the manifest against every file, the chain with the
     * same rules as the live store, the stored artifacts against the entries, the manifest's head
     * against the chain, and, when given, against a head kept elsewhere and the key's signature.
     * A bundle that cannot be read at all is exit 2; every damage inside it is a broken result.
     */
    public static Verification check(Path zip, LedgerHead expected, Optional<HeadKey> key) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(zip);
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE, "cannot read bundle " + zip + ": " + Errors.describe(e),
                    "is it a file written by 'preflight ledger export'?", e);
        }
        List<String> notes = new ArrayList<>();
        try {
            return check(BundleZip.read(bytes), expected, key, notes);
        } catch (BundleZip.Damaged strict) {
            // Not the layout Preflight writes: a bundle of format 1 (written by java.util.zip), a re-packed
            // or a damaged one. Read it as any zip so the report names what is wrong with its content.
            Optional<List<BundleZip.File>> any = readAnyZip(zip);
            if (any.isEmpty()) {
                return broken("the bundle is damaged: " + strict.getMessage(), notes);
            }
            Verification content;
            try {
                content = check(any.get(), expected, key, notes);
            } catch (RuntimeException e) {
                return broken("the bundle is damaged: " + strict.getMessage(), notes);
            }
            if (!content.result().intact() || isFormat1(any.get())) {
                List<String> n = new ArrayList<>(content.witnesses());
                n.add(0, isFormat1(any.get()) ? "format 1 bundle: its zip headers are not checked byte for byte"
                        : "its zip layout is not the one Preflight writes: " + strict.getMessage());
                return new Verification(content.result(), n);
            }
            return new Verification(new VerifyResult.Broken(content.result().entries(), 0,
                    "the bundle's zip layout is not the one Preflight writes (" + strict.getMessage()
                            + "): it was damaged or re-packed, though its files still match the manifest"), content.witnesses());
        } catch (RuntimeException e) {
            // Whatever a doctored bundle holds, it is reported, never a crash.
            return broken("the bundle cannot be read: " + Errors.describe(e), notes);
        }
    }

    private static boolean isFormat1(List<BundleZip.File> files) {
        for (BundleZip.File f : files) {
            if (f.name().equals("manifest.json")) {
                try {
                    return FORMAT_1.equals(Json.parse(new String(f.data(), StandardCharsets.UTF_8)).path("format").asText());
                } catch (RuntimeException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static Verification broken(String why, List<String> notes) {
        return new Verification(new VerifyResult.Broken(0, 0, why), notes);
    }

    /** Reads any zip whose central directory and local entries agree and whose CRCs hold; empty otherwise. */
    private static Optional<List<BundleZip.File>> readAnyZip(Path zip) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> central = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                central.add(en.nextElement().getName());
            }
            // ZipInputStream checks each file's CRC, which ZipFile does not.
            List<BundleZip.File> files = new ArrayList<>();
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    files.add(new BundleZip.File(e.getName(), in.readAllBytes()));
                }
            }
            if (!central.equals(files.stream().map(BundleZip.File::name).toList())) {
                return Optional.empty();
            }
            return Optional.of(files);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True for a relative path of plain segments: nothing a careless unzip could write outside its directory. */
    static boolean safeName(String n) {
        if (n.isEmpty() || n.startsWith("/") || n.contains("\\") || n.matches("^[A-Za-z]:.*")
                || n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        for (String seg : n.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static Verification check(List<BundleZip.File> list, LedgerHead expected, Optional<HeadKey> key,
                                      List<String> notes) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (BundleZip.File f : list) {
            if (!safeName(f.name())) {
                return broken("unsafe file name in the bundle: " + f.name(), notes);
            }
            if (files.put(f.name(), f.data()) != null) {
                return broken("the bundle holds " + f.name() + " twice", notes);
            }
        }
        byte[] man = files.get("manifest.json");
        if (man == null) {
            return broken("the bundle has no manifest.json", notes);
        }
        JsonNode manifest;
        try {
            manifest = Json.parse(new String(man, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return broken("manifest.json is not JSON", notes);
        }
        if (!manifest.isObject() || !manifest.path("files").isArray()) {
            return broken("manifest.json has no list of files", notes);
        }
        String format = manifest.path("format").asText();
        if (!format.equals(FORMAT) && !format.equals(FORMAT_1)) {
            return broken("manifest.json names an unknown format '" + format + "'", notes);
        }
        Set<String> listed = new HashSet<>();
        for (JsonNode f : manifest.path("files")) {
            String path = f.path("path").asText();
            listed.add(path);
            byte[] data = files.get(path);
            if (data == null) {
                return broken("file listed in the manifest is missing: " + path, notes);
            }
            if (data.length != f.path("size").asLong(-1) || !Hashing.sha256Hex(data).equals(f.path("sha256").asText())) {
                // Still check the chain, so the reviewer learns which entry was changed.
                VerifyResult chain = chain(files.get("entries.jsonl"), new EntryHasher.ChainCheck());
                if (chain instanceof VerifyResult.Broken b) {
                    return new Verification(b, notes);
                }
                return new Verification(new VerifyResult.Broken(chain.entries(), 0,
                        "file does not match the manifest's SHA-256: " + path), notes);
            }
        }
        for (String name : files.keySet()) {
            if (!name.equals("manifest.json") && !listed.contains(name)) {
                return broken("file not in the manifest: " + name, notes);
            }
        }
        EntryHasher.ChainCheck check = new EntryHasher.ChainCheck();
        if (expected != null) {
            check.watch(expected.seq());
        }
        Map<String, String> referenced = new HashMap<>();
        VerifyResult chain = chain(files.get("entries.jsonl"), check, referenced);
        if (!(chain instanceof VerifyResult.Intact intact)) {
            return new Verification(chain, notes);
        }
        long n = intact.entries();
        for (Map.Entry<String, String> a : referenced.entrySet()) {
            byte[] data = files.get("attachments/" + a.getKey());
            if (data == null) {
                return new Verification(new VerifyResult.Broken(n, 0, "stored artifact '" + a.getKey()
                        + "' an entry vouches for is not in the bundle"), notes);
            }
            if (!Hashing.sha256Hex(data).equals(a.getValue())) {
                return new Verification(new VerifyResult.Broken(n, 0, "stored artifact '" + a.getKey()
                        + "' does not match the SHA-256 its entry records"), notes);
            }
        }
        for (String name : files.keySet()) {
            if (name.startsWith("attachments/") && !referenced.containsKey(name.substring("attachments/".length()))) {
                return new Verification(new VerifyResult.Broken(n, 0, "file " + name + " is not an artifact of any entry"),
                        notes);
            }
            if (!name.equals("manifest.json") && !name.equals("entries.jsonl") && !name.startsWith("attachments/")) {
                return new Verification(new VerifyResult.Broken(n, 0, "unexpected file in the bundle: " + name), notes);
            }
        }
        JsonNode h = manifest.path("head");
        boolean v2 = format.equals(FORMAT);
        if (manifest.path("entries").asLong(-1) != n || !intact.headHash().equals(manifest.path("head_hash").asText())
                || v2 && (h.path("seq").asLong(-1) != n || !intact.headHash().equals(h.path("hash").asText()))) {
            return new Verification(new VerifyResult.Broken(n, n, "the manifest's head differs from the entries' ("
                    + n + " entries, head " + HeadWitness.shortHash(intact.headHash()) + ")"), notes);
        }
        LedgerHead head = new LedgerHead(n, intact.headHash());
        if (key.isPresent()) {
            String sig = h.path("signature").asText(null);
            Instant time;
            try {
                time = h.hasNonNull("time") ? Instant.parse(h.path("time").asText()) : null;
            } catch (RuntimeException e) {
                return new Verification(new VerifyResult.Broken(n, n, "the manifest's head time is not a time"), notes);
            }
            if (sig == null) {
                return new Verification(new VerifyResult.Broken(n, n, "the bundle's head is not signed though a ledger key is configured ("
                        + key.get().source() + ")"), notes);
            }
            if (!key.get().verify(HeadWitness.signedText(head, time), sig)) {
                return new Verification(new VerifyResult.Broken(n, n, "the bundle's head signature does not verify with "
                        + key.get().source() + " (the entries or the manifest were edited, or another key signed it)"), notes);
            }
            notes.add("head " + head + ": signature verified");
        } else if (h.hasNonNull("signature")) {
            notes.add("the head is signed; no key configured to check the signature");
        }
        if (expected != null) {
            Optional<VerifyResult.Broken> b = HeadWitness.compare(expected, "--expect-head", n, check::hashAt);
            if (b.isPresent()) {
                return new Verification(b.get(), notes);
            }
            notes.add("--expect-head " + expected.seq() + ":" + HeadWitness.shortHash(expected.hash()) + ": agrees");
        }
        if (expected == null && key.isEmpty()) {
            notes.add("nothing kept outside the bundle was compared: a bundle cut short with its manifest rewritten "
                    + "verifies the same; check its head against a copy with --expect-head " + head);
        }
        return new Verification(intact, notes);
    }

    private static VerifyResult chain(byte[] jsonl, EntryHasher.ChainCheck check) {
        return chain(jsonl, check, new HashMap<>());
    }

    private static VerifyResult chain(byte[] jsonl, EntryHasher.ChainCheck check, Map<String, String> attachments) {
        if (jsonl == null) {
            return new VerifyResult.Broken(0, 0, "the bundle has no entries.jsonl");
        }
        String text = new String(jsonl, StandardCharsets.UTF_8);
        long line = 0;
        for (String l : text.split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            LedgerEntry e;
            try {
                e = Json.mapper().readValue(l, LedgerEntry.class);
            } catch (IOException | RuntimeException bad) {
                return new VerifyResult.Broken(line - 1, line, "entries.jsonl line " + line + " cannot be read");
            }
            if (!check.accept(e)) {
                break;
            }
            for (Artifact a : e.artifacts()) {
                if (a.location().startsWith("ledger:")) {
                    attachments.put(a.location().substring("ledger:".length()), a.sha256());
                }
            }
        }
        return check.result();
    }
}
