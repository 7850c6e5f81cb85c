package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.ProcessRunner;
import java.util.function.Function;

/** Makes the {@link Producer} of each kind of source, with the outside world it needs. */
public final class SourceProducers implements Function<Source, Producer> {
    private final ProcessRunner runner;

    public SourceProducers(ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public Producer apply(Source s) {
        return switch (s.kind()) {
            case MYSQL -> new MysqlProducer(s.mysql(), runner, s.timeout());
            case REDIS -> new RedisProducer(s.redis(), runner, s.timeout());
            default -> throw PreflightException.usage("source '" + s.name() + "' is of type " + s.kind().id()
                    + ", which this build cannot back up yet", "remove it or use --source to pick others");
        };
    }
}
