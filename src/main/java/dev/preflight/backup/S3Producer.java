package dev.preflight.backup;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupPlan.S3Source;
import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies every object of a bucket (under a prefix) to a dated backup bucket or prefix (the runbook's
 * {@code academy-assets-backup-DATE}) and produces the manifest (key, size, ETag, SHA-256 and what
 * was done) as the backup's artifact. Our own whole-object SHA-256 is computed while reading the
 * source (an ETag is not a content hash for multipart or KMS objects), every copy is read back from
 * the target and hashed, and objects unchanged since the previous backup into the same target
 * (same size and ETag, present in the target) are not copied again but re-read and verified.
 * Server-side copy when source and target are the same service, streamed otherwise.
 */
public final class S3Producer implements Producer {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final S3Source source;
    private final S3Client from;
    private final S3Client to;
    private final boolean sameService;
    private final Clock clock;
    private Previous previous;

    public S3Producer(S3Source source, S3Client from, S3Client to, boolean sameService, Clock clock) {
        this.source = source;
        this.from = from;
        this.to = to;
        this.sameService = sameService;
        this.clock = clock;
    }

    @Override
    public String extension() {
        return "manifest.json";
    }

    @Override
    public void previous(Previous p) {
        this.previous = p;
    }

    @Override
    public Production produce(OutputStream out) throws IOException {
        String date = DATE.format(clock.instant());
        String targetBucket = source.targetBucket().replace("{date}", date);
        String targetPrefix = source.targetPrefix().replace("{date}", date);
        String target = "s3://" + targetBucket + "/" + targetPrefix;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("source", "s3://" + source.bucket() + "/" + source.prefix());
        facts.put("target", target);
        facts.put("copy", sameService ? "server-side" : "streamed");
        Map<String, JsonNode> before = previousObjects(target);
        long copied = 0;
        long unchanged = 0;
        long bytes = 0;
        long objects = 0;
        try {
            ensureBucket(targetBucket);
            JsonGenerator g = Json.mapper().getFactory().createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("source", (String) facts.get("source"));
            g.writeStringField("target", target);
            g.writeStringField("taken", clock.instant().toString());
            g.writeArrayFieldStart("objects");
            for (S3Object o : from.listObjectsV2Paginator(b -> b.bucket(source.bucket()).prefix(source.prefix()))
                    .contents()) {
                String key = o.key();
                String targetKey = targetPrefix + key.substring(source.prefix().length());
                String sha = null;
                String action = "copied";
                JsonNode prev = before.get(key);
                if (prev != null && prev.path("size").asLong() == o.size() && prev.path("etag").asText().equals(o.eTag())) {
                    String there = hashTarget(targetBucket, targetKey);
                    if (prev.path("sha256").asText().equals(there)) {
                        sha = there;
                        action = "unchanged";
                        unchanged++;
                    }
                }
                if (sha == null) {
                    sha = copy(key, o, targetBucket, targetKey);
                    String there = hashTarget(targetBucket, targetKey);
                    if (!sha.equals(there)) {
                        return Production.failed("the copy of " + key + " reads back as sha256 " + there
                                + ", source " + sha, facts);
                    }
                    copied++;
                }
                objects++;
                bytes += o.size();
                g.writeStartObject();
                g.writeStringField("key", key);
                g.writeNumberField("size", o.size());
                g.writeStringField("etag", o.eTag());
                g.writeStringField("sha256", sha);
                g.writeStringField("target_key", targetKey);
                g.writeStringField("action", action);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            if (objects == 0) {
                // A prefix that lists nothing (a typo, a bucket emptied or moved) backed nothing up, and
                // S3 backups are not restore-tested: a passed backup of it was GO on no data at all.
                return Production.failed("no object under " + facts.get("source") + ": nothing was backed up "
                        + "(check the source's bucket and prefix)", facts);
            }
        } catch (SdkException e) {
            return Production.failed("S3: " + Errors.describe(e), facts);
        } catch (ChangedException e) {
            return Production.failed(Errors.describe(e), facts);
        } finally {
            facts.put("objects", objects);
            facts.put("copied", copied);
            facts.put("unchanged_verified", unchanged);
            facts.put("bytes", bytes);
        }
        return Production.complete(facts);
    }

    /** The source object changed between listing and reading. */
    private static final class ChangedException extends IOException {
        private static final long serialVersionUID = 1L;

        ChangedException(String m) {
            super(m);
        }
    }

    /**
     * Copies one object and returns the SHA-256 of the source bytes (read with If-Match on the listed
     * ETag). The manifest records the listed size, so bytes read that disagree with it fail the copy:
     * a store whose listing and content differ (S3Proxy's filesystem store lists its directories as
     * 4096-byte objects that read as empty) would otherwise pass here and fail every verify after.
     */
    private String copy(String key, S3Object o, String targetBucket, String targetKey) throws IOException {
        MessageDigest md = Hashing.sha256();
        try (InputStream in = get(key, o.eTag()); DigestInputStream din = new DigestInputStream(in, md)) {
            if (sameService) {
                long read = din.transferTo(OutputStream.nullOutputStream());
                if (read != o.size()) {
                    throw new ChangedException(key + " is listed as " + o.size() + " bytes but " + read
                            + " bytes were read: the store's listing does not match its content");
                }
                to.copyObject(b -> b.sourceBucket(source.bucket()).sourceKey(key).copySourceIfMatch(o.eTag())
                        .destinationBucket(targetBucket).destinationKey(targetKey));
            } else {
                to.putObject(b -> b.bucket(targetBucket).key(targetKey).contentLength(o.size()),
                        RequestBody.fromInputStream(din, o.size()));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private InputStream get(String key, String etag) throws IOException {
        try {
            return from.getObject(b -> b.bucket(source.bucket()).key(key).ifMatch(etag));
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new ChangedException(key + " changed while it was being backed up; run the backup again");
            }
            throw e;
        }
    }

    /** SHA-256 of the target object, or null when it is not there. */
    private String hashTarget(String bucket, String key) throws IOException {
        MessageDigest md = Hashing.sha256();
        try (InputStream in = to.getObject(b -> b.bucket(bucket).key(key))) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private void ensureBucket(String bucket) {
        try {
            to.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            to.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            to.createBucket(b -> b.bucket(bucket));
        }
    }

    /** Objects of the previous manifest, when it copied into the same target; else nothing. */
    private Map<String, JsonNode> previousObjects(String target) {
        Map<String, JsonNode> out = new HashMap<>();
        if (previous == null) {
            return out;
        }
        try {
            Optional<InputStream> in = previous.open();
            if (in.isEmpty()) {
                return out;
            }
            JsonNode m;
            try (InputStream s = in.get()) {
                m = Json.mapper().readTree(s);
            }
            if (!target.equals(m.path("target").asText())) {
                return out;
            }
            for (JsonNode o : m.path("objects")) {
                out.put(o.path("key").asText(), o);
            }
        } catch (IOException | RuntimeException e) {
            // No usable previous manifest: everything is copied, which is correct, only slower.
            out.clear();
        }
        return out;
    }

}
