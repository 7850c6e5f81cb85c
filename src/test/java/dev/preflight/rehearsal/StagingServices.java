package dev.preflight.rehearsal;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * The rehearsal's S3 server and mail server in one JVM, started by {@code scripts/rehearse} from
 * the project's test classpath: S3Proxy over its {@code filesystem-nio2} store (buckets are
 * directories under the state dir; jclouds' own {@code filesystem} store lists directories as
 * 4096-byte objects that read as empty) and GreenMail with SMTP and POP3
 * on loopback, so the notice the gates send can be read back from the recipient's mailbox.
 * Arguments: {@code S3_DIR S3_PORT SMTP_PORT POP3_PORT READY_FILE ASSET_COUNT}; the S3 credentials
 * come from {@code REHEARSAL_S3_ACCESS} and {@code REHEARSAL_S3_SECRET} (never argv). It runs
 * until it is killed.
 */
public final class StagingServices {
    private StagingServices() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: StagingServices S3_DIR S3_PORT SMTP_PORT POP3_PORT READY_FILE ASSET_COUNT");
            System.exit(2);
        }
        Path s3dir = Path.of(args[0]);
        int s3port = Integer.parseInt(args[1]);
        int smtpPort = Integer.parseInt(args[2]);
        int pop3Port = Integer.parseInt(args[3]);
        Path ready = Path.of(args[4]);
        int assets = Integer.parseInt(args[5]);
        String access = System.getenv().getOrDefault("REHEARSAL_S3_ACCESS", "");
        String secret = System.getenv().getOrDefault("REHEARSAL_S3_SECRET", "");
        if (access.isEmpty() || secret.isEmpty()) {
            System.err.println("REHEARSAL_S3_ACCESS and REHEARSAL_S3_SECRET must be set");
            System.exit(2);
        }
        Files.createDirectories(s3dir);
        Properties props = new Properties();
        props.setProperty(FilesystemConstants.PROPERTY_BASEDIR, s3dir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem-nio2").credentials("identity", "credential").overrides(props).build(BlobStoreContext.class);
        seed(context.getBlobStore(), assets);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + s3port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret).build();
        proxy.start();
        for (int i = 0; i < 400 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(25);
        }
        GreenMail mail = new GreenMail(new ServerSetup[] {
            new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(pop3Port, "127.0.0.1", ServerSetup.PROTOCOL_POP3)});
        mail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mail.stop();
            try {
                proxy.stop();
            } catch (Exception e) {
                // stopping anyway
            }
            context.close();
        }));
        // Ready only when both answer: the script waits for this file before it goes on.
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, "s3=" + s3port + " smtp=" + smtpPort + " pop3=" + pop3Port + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        new CountDownLatch(1).await();
    }

    /** The assets bucket with Academy-like uploads (course images, PDFs), and the empty backup bucket. */
    private static void seed(BlobStore store, int assets) {
        store.createContainerInLocation(null, "academy-assets");
        store.createContainerInLocation(null, "academy-backups");
        for (int i = 1; i <= assets; i++) {
            String key = (i % 3 == 0 ? "documents/syllabus-" + i + ".pdf" : "courses/" + (i % 40) + "/cover-" + i + ".jpg");
            byte[] body = ("asset " + key + " ").repeat(64 + i % 200).getBytes(StandardCharsets.UTF_8);
            store.putBlob("academy-assets", store.blobBuilder(key).payload(body).contentLength(body.length).build());
        }
    }
}
