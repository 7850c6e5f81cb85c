package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.S3Source;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.exec.ProcessRunner;
import java.time.Clock;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/** Makes the {@link Producer} of each kind of source, with the outside world it needs. */
public final class SourceProducers implements Function<Source, Producer> {
    private final ProcessRunner runner;
    private final Clock clock;

    public SourceProducers(ProcessRunner runner, Clock clock) {
        this.runner = runner;
        this.clock = clock;
    }

    @Override
    public Producer apply(Source s) {
        return switch (s.kind()) {
            case MYSQL -> new MysqlProducer(s.mysql(), runner, s.timeout());
            case REDIS -> new RedisProducer(s.redis(), runner, s.timeout());
            case S3 -> {
                S3Source s3 = s.s3();
                S3Client from = S3Clients.create(s3.endpoint());
                boolean same = s3.target() == null || s3.endpoint().sameService(s3.target());
                yield new S3Producer(s3, from, same ? from : S3Clients.create(s3.target()), same, clock);
            }
        };
    }
}
