package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.S3Endpoint;
import dev.preflight.plan.Secret;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.services.s3.S3Client;

/** An s3proxy server on a loopback port with an in-memory blob store, for one test. No real AWS. */
final class InProcessS3 implements AutoCloseable {
    static final String ACCESS = "AKIDPREFLIGHTTEST";
    static final String SECRET = "preflight-test-secret-key";

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    final String endpoint;

    InProcessS3() throws Exception {
        this("transient", new Properties());
    }

    /** A server over another jclouds blob store ({@code filesystem} with its base directory, ...). */
    InProcessS3(String provider, Properties overrides) throws Exception {
        context = ContextBuilder.newBuilder(provider).credentials("identity", "credential")
                .overrides(overrides).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        for (int i = 0; i < 400 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(25);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
    }

    S3Endpoint s3Endpoint() {
        return new S3Endpoint("us-east-1", endpoint, true, new Secret(ACCESS), new Secret(SECRET));
    }

    S3Client client() {
        return S3Clients.create(s3Endpoint());
    }

    /** The YAML flow mapping entries that reach this server. */
    String yaml() {
        return "endpoint: \"" + endpoint + "\", region: us-east-1, path_style: true, access_key: \"" + ACCESS
                + "\", secret_key: \"${S3_SECRET:-" + SECRET + "}\"";
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
