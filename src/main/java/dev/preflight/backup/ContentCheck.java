package dev.preflight.backup;

import dev.preflight.backup.Producer.Production;
import dev.preflight.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** Runs the producer's content check on its own thread over the uncompressed stream. */
final class ContentCheck {
    private final ChunkPipe pipe = new ChunkPipe(64);
    private final OutputStream sink = pipe.sink();
    private final Thread thread;
    private volatile Production result;

    ContentCheck(Producer producer) {
        thread = new Thread(() -> {
            try (InputStream in = pipe.source()) {
                result = producer.check(in);
            } catch (IOException | RuntimeException e) {
                result = Production.failed("checking the content failed: " + Errors.describe(e), Map.of());
            } finally {
                // A check that stopped early must not block the stream it reads.
                pipe.abandon();
            }
        }, "preflight-check");
        thread.setDaemon(true);
        thread.start();
    }

    OutputStream sink() {
        return sink;
    }

    /** Ends the stream (or abandons it when the production failed) and returns the check's result. */
    Production finish(boolean complete) throws IOException, InterruptedException {
        if (complete) {
            sink.close();
        } else {
            pipe.abandon();
        }
        thread.join();
        return result == null ? Production.failed("the content check did not finish", Map.of()) : result;
    }
}
