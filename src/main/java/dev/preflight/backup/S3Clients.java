package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.S3Endpoint;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds S3 clients for any S3-compatible store: endpoint override, path-style addressing, static
 * credentials from the plan (else the SDK's default chain), and checksums only when an operation
 * requires them, because the SDK's newer default checksums are refused by some S3-compatible servers.
 * Our own SHA-256 is what proves content.
 */
public final class S3Clients {
    private S3Clients() {
    }

    public static S3Client create(S3Endpoint e) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(e.region()))
                .forcePathStyle(e.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (e.endpoint() != null) {
            b.endpointOverride(URI.create(e.endpoint()));
        }
        if (e.accessKey() != null && e.secretKey() != null) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(e.accessKey().value(), e.secretKey().value())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.create());
        }
        return b.build();
    }

    /** {@code s3://bucket/key} split into bucket and key. */
    public static String[] parse(String location) {
        if (!location.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3:// location: " + location);
        }
        String rest = location.substring(5);
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
