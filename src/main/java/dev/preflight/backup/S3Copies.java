package dev.preflight.backup;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** Server-side copies larger than a single CopyObject allows (5 GiB): a multipart copy in 1 GiB parts. */
final class S3Copies {
    private static final long PART = 1L << 30;

    private S3Copies() {
    }

    static void multipartCopy(S3Client s3, String srcBucket, String srcKey, String dstBucket, String dstKey, long size) {
        String id = s3.createMultipartUpload(b -> b.bucket(dstBucket).key(dstKey)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long off = 0; off < size; off += PART) {
                int n = parts.size() + 1;
                String range = "bytes=" + off + "-" + (Math.min(size, off + PART) - 1);
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(srcBucket).sourceKey(srcKey)
                        .destinationBucket(dstBucket).destinationKey(dstKey).uploadId(id).partNumber(n)
                        .copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(dstBucket).key(dstKey).uploadId(id)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            s3.abortMultipartUpload(b -> b.bucket(dstBucket).key(dstKey).uploadId(id));
            throw e;
        }
    }
}
