package dev.preflight.backup;

import dev.preflight.core.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A destination bucket (and key prefix) on an S3-compatible store. A copy is uploaded as a multipart
 * upload to a temporary key ({@code .NAME.partial-UUID}) while it streams, read back, and only then
 * copied server-side to its final key (never over an existing key) and the temporary key removed.
 */
public final class S3Store implements ArtifactStore {
    static final int PART = 8 << 20;
    private static final long SINGLE_COPY_LIMIT = 5L << 30;

    private final String name;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3Store(String name, S3Client s3, String bucket, String prefix) {
        this.name = name;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/") ? (prefix == null ? "" : prefix)
                : prefix + "/";
    }

    @Override
    public String where() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PendingCopy create(String fileName) throws IOException {
        String tmp = prefix + "." + fileName + ".partial-" + UUID.randomUUID();
        try {
            String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(tmp)).uploadId();
            return new Upload(fileName, tmp, uploadId);
        } catch (SdkException e) {
            // Named by the copy's file name: the temporary key means nothing to the reader, and the
            // destination (with its bucket) is named by whoever reports this.
            throw new IOException("cannot start the upload of " + fileName + ": " + Errors.describe(e), e);
        }
    }

    @Override
    public InputStream open(String location) throws IOException {
        String[] bk = S3Clients.parse(location);
        try {
            return s3.getObject(b -> b.bucket(bk[0]).key(bk[1]));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(location);
        } catch (SdkException e) {
            throw new IOException(location + ": " + Errors.describe(e), e);
        }
    }

    @Override
    public boolean exists(String location) throws IOException {
        String[] bk = S3Clients.parse(location);
        return exists(bk[0], bk[1]);
    }

    @Override
    public long size(String location) throws IOException {
        String[] bk = S3Clients.parse(location);
        try {
            Long n = s3.headObject(r -> r.bucket(bk[0]).key(bk[1])).contentLength();
            return n == null ? 0 : n;
        } catch (NoSuchKeyException e) {
            return -1;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return -1;
            }
            throw new IOException(location + ": " + Errors.describe(e), e);
        } catch (SdkException e) {
            throw new IOException(location + ": " + Errors.describe(e), e);
        }
    }

    /** The object's Last-Modified and the answer's {@code Date}: the S3 server's clock, not this host's. */
    @Override
    public Optional<StoreTimes> times(String location) throws IOException {
        String[] bk = S3Clients.parse(location);
        try {
            HeadObjectResponse h = s3.headObject(r -> r.bucket(bk[0]).key(bk[1]));
            Instant now = h.sdkHttpResponse().firstMatchingHeader("Date").map(d -> {
                try {
                    return ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                } catch (DateTimeParseException e) {
                    return null;
                }
            }).orElse(null);
            return Optional.of(new StoreTimes(h.lastModified(), now));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException(location + ": " + Errors.describe(e), e);
        }
    }

    private boolean exists(String b, String k) throws IOException {
        try {
            s3.headObject(r -> r.bucket(b).key(k));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("s3://" + b + "/" + k + ": " + Errors.describe(e), e);
        }
    }

    @Override
    public void delete(String location) throws IOException {
        String[] bk = S3Clients.parse(location);
        try {
            s3.deleteObject(r -> r.bucket(bk[0]).key(bk[1]));
        } catch (SdkException e) {
            throw new IOException(location + ": " + Errors.describe(e), e);
        }
    }

    /** A zero-byte object under this store's prefix (a second name of the server then finds it). */
    @Override
    public Optional<String> mark(String markName) throws IOException {
        String key = prefix + markName;
        try {
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.empty());
        } catch (SdkException e) {
            throw new IOException("cannot write " + where() + markName + ": " + Errors.describe(e), e);
        }
        return Optional.of("s3://" + bucket + "/" + key);
    }

    /** A multipart upload fed part by part as the stream arrives. */
    private final class Upload implements PendingCopy {
        private final String fileName;
        private final String tmpKey;
        private final String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private final ByteArrayOutputStream part = new ByteArrayOutputStream(PART);
        private long size;
        private boolean completed;
        private boolean done;
        private final OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    int n = Math.min(len, PART - part.size());
                    part.write(b, off, n);
                    off += n;
                    len -= n;
                    if (part.size() == PART) {
                        flushPart();
                    }
                }
            }
        };

        Upload(String fileName, String tmpKey, String uploadId) {
            this.fileName = fileName;
            this.tmpKey = tmpKey;
            this.uploadId = uploadId;
        }

        private void flushPart() throws IOException {
            int number = parts.size() + 1;
            byte[] data = part.toByteArray();
            part.reset();
            try {
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(tmpKey).uploadId(uploadId).partNumber(number)
                        .contentLength((long) data.length), RequestBody.fromBytes(data)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                size += data.length;
            } catch (SdkException e) {
                throw new IOException("upload of part " + number + " to s3://" + bucket + "/" + tmpKey + " failed: "
                        + Errors.describe(e), e);
            }
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public void seal() throws IOException {
            if (part.size() > 0 || parts.isEmpty()) {
                flushPart();
            }
            try {
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(tmpKey).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
                completed = true;
            } catch (SdkException e) {
                throw new IOException("cannot complete the upload of s3://" + bucket + "/" + tmpKey + ": "
                        + Errors.describe(e), e);
            }
        }

        @Override
        public InputStream readBack() throws IOException {
            return open("s3://" + bucket + "/" + tmpKey);
        }

        @Override
        public String commit() throws IOException {
            for (int i = 0; ; i++) {
                String key = prefix + (i == 0 ? fileName : LocalDirectoryStore.suffixed(fileName, i));
                if (exists(bucket, key)) {
                    continue;
                }
                try {
                    if (size <= SINGLE_COPY_LIMIT) {
                        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(tmpKey).destinationBucket(bucket)
                                .destinationKey(key));
                    } else {
                        S3Copies.multipartCopy(s3, bucket, tmpKey, bucket, key, size);
                    }
                    s3.deleteObject(b -> b.bucket(bucket).key(tmpKey));
                } catch (SdkException e) {
                    throw new IOException("cannot give s3://" + bucket + "/" + key + " its final name: "
                            + Errors.describe(e), e);
                }
                done = true;
                return "s3://" + bucket + "/" + key;
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                if (completed) {
                    s3.deleteObject(b -> b.bucket(bucket).key(tmpKey));
                } else {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(tmpKey).uploadId(uploadId));
                }
            } catch (SdkException ignored) {
                // A temporary key or unfinished upload never carries a final name; lifecycle rules reap it.
            }
        }
    }
}
