package dev.preflight.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.AtomicFiles;
import dev.preflight.core.ExitCode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Exports the ledger as one zip a reviewer can check offline: {@code entries.jsonl} (every entry
 * with its hashes), {@code attachments/NAME} (artifacts the ledger stores), and
 * {@code manifest.json} (SHA-256 and size of every other file, entry count and head hash).
 */
public final class LedgerBundles {
    private LedgerBundles() {
    }

    /** What an export wrote. */
    public record BundleSummary(long entries, int attachments, String headHash) {
        @Override
        public String toString() {
            return entries + " entries and " + attachments + " attachment(s), head " + headHash;
        }
    }

    public static BundleSummary export(Ledger ledger, Path zip) {
        VerifyResult live = ledger.verify();
        if (live instanceof VerifyResult.Broken b) {
            throw new PreflightException(ExitCode.CHECKS_FAILED, "refusing to export a broken chain: entry #"
                    + b.firstBadSeq() + ": " + b.reason(), "run 'preflight ledger verify' and investigate first");
        }
        List<LedgerEntry> entries = ledger.query(LedgerQuery.all());
        Map<String, byte[]> files = new TreeMap<>();
        StringBuilder jsonl = new StringBuilder();
        for (LedgerEntry e : entries) {
            jsonl.append(Json.canonical(e)).append('\n');
        }
        files.put("entries.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
        List<String> names = ledger instanceof JdbcLedger j ? j.attachmentNames() : List.of();
        try {
            for (String n : names) {
                try (InputStream in = ledger.openAttachment(n).orElseThrow()) {
                    files.put("attachments/" + n, in.readAllBytes());
                }
            }
            String head = ((VerifyResult.Intact) live).headHash();
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", "preflight-ledger-bundle/1");
            manifest.put("entries", entries.size());
            manifest.put("head_hash", head);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                list.add(Map.of("path", f.getKey(), "size", f.getValue().length, "sha256", Hashing.sha256Hex(f.getValue())));
            }
            manifest.put("files", list);
            byte[] man = Json.pretty(manifest).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(zip, out -> {
                ZipOutputStream z = new ZipOutputStream(out);
                z.putNextEntry(new ZipEntry("manifest.json"));
                z.write(man);
                z.closeEntry();
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    z.putNextEntry(new ZipEntry(f.getKey()));
                    z.write(f.getValue());
                    z.closeEntry();
                }
                z.finish();
            });
            return new BundleSummary(entries.size(), names.size(), head);
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE, "cannot write bundle " + zip + ": " + dev.preflight.core.Errors.describe(e), null, e);
        }
    }

    /** Verifies a bundle offline: manifest hashes, then the chain with the same rules as the live store. */
    public static VerifyResult verify(Path zip) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry me = z.getEntry("manifest.json");
            if (me == null) {
                return new VerifyResult.Broken(0, 0, "bundle has no manifest.json");
            }
            JsonNode manifest = Json.parse(new String(z.getInputStream(me).readAllBytes(), StandardCharsets.UTF_8));
            for (JsonNode f : manifest.path("files")) {
                ZipEntry ze = z.getEntry(f.path("path").asText());
                if (ze == null) {
                    return new VerifyResult.Broken(0, 0, "file listed in the manifest is missing: " + f.path("path").asText());
                }
                byte[] data = z.getInputStream(ze).readAllBytes();
                if (!Hashing.sha256Hex(data).equals(f.path("sha256").asText())) {
                    // Still check the chain, so the reviewer learns which entry was changed.
                    VerifyResult chain = chain(z);
                    if (chain instanceof VerifyResult.Broken b) {
                        return b;
                    }
                    return new VerifyResult.Broken(chain.entries(), 0,
                            "file does not match the manifest's SHA-256: " + f.path("path").asText());
                }
            }
            VerifyResult chain = chain(z);
            if (chain instanceof VerifyResult.Intact i && !i.headHash().equals(manifest.path("head_hash").asText())) {
                return new VerifyResult.Broken(i.entries(), i.entries(), "head hash differs from the manifest's");
            }
            return chain;
        } catch (IOException e) {
            throw new PreflightException(ExitCode.USAGE, "cannot read bundle " + zip + ": " + dev.preflight.core.Errors.describe(e),
                    "is it a file written by 'preflight ledger export'?", e);
        }
    }

    private static VerifyResult chain(ZipFile z) throws IOException {
        ZipEntry ee = z.getEntry("entries.jsonl");
        if (ee == null) {
            return new VerifyResult.Broken(0, 0, "bundle has no entries.jsonl");
        }
        EntryHasher.ChainCheck check = new EntryHasher.ChainCheck();
        String text = new String(z.getInputStream(ee).readAllBytes(), StandardCharsets.UTF_8);
        long line = 0;
        for (String l : text.split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            LedgerEntry e;
            try {
                e = Json.mapper().readValue(l, LedgerEntry.class);
            } catch (IOException bad) {
                return new VerifyResult.Broken(line - 1, line, "entries.jsonl line " + line + " cannot be read");
            }
            if (!check.accept(e)) {
                break;
            }
        }
        return check.result();
    }
}
