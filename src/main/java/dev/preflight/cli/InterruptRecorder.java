package dev.preflight.cli;

import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.HeadKey;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerHead;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.Verification;
import dev.preflight.ledger.VerifyResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger a command works with, plus a JVM shutdown hook for as long as it is open: a command
 * stopped by a signal (Ctrl-C, SIGTERM from CI or systemd) before it closed its ledger leaves an
 * entry of kind {@code interrupted}, outcome failed, naming the command and how long it ran, so the
 * evidence says that something was begun and not finished instead of saying nothing. Nothing it had
 * not recorded yet is claimed: its own entry, if it was about to write one, is simply absent.
 */
final class InterruptRecorder implements Ledger {
    static final String KIND = EvidenceKind.INTERRUPTED.id();

    private final Ledger ledger;
    private final String command;
    private final Clock clock;
    private final Instant started;
    private final Thread hook;
    private final PrintWriter err;
    private boolean closed;

    InterruptRecorder(Ledger ledger, String command, Clock clock) {
        this(ledger, command, clock, null);
    }

    /** @param err where a signal's stop is also said (stderr), or null */
    InterruptRecorder(Ledger ledger, String command, Clock clock, PrintWriter err) {
        this.err = err;
        this.ledger = ledger;
        this.command = command;
        this.clock = clock;
        this.started = clock.instant();
        this.hook = new Thread(this::interrupted, "preflight-interrupt-record");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Already on the way out: nothing will run long enough to need the record.
        }
    }

    /** What the shutdown hook runs; package-private so a test can run it without ending the JVM. */
    synchronized void interrupted() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("command", "preflight " + command);
        p.put("started_at", started.toString());
        p.put("stopped_at", now.toString());
        long s = Duration.between(started, now).toSeconds();
        String said;
        try {
            LedgerEntry e = ledger.append(NewEntry.of(KIND, command, Outcome.FAILED, "'preflight " + command
                    + "' was stopped by a signal after " + s + " s, before it finished: what it was doing is not done",
                    p));
            ledger.close();
            said = "recorded in " + ledger.describe() + " as entry " + e.seq() + " (kind " + KIND + ")";
        } catch (RuntimeException e) {
            // The JVM is going down; the store may already be unusable. Nothing more can be done.
            said = "the ledger could not record it";
        }
        if (err != null) {
            err.println();
            err.println("preflight: '" + command + "' was stopped by a signal after " + s + " s, before it finished; "
                    + said);
            err.flush();
        }
        closed = true;
    }

    @Override
    public LedgerEntry append(NewEntry entry) {
        return ledger.append(entry);
    }

    @Override
    public List<LedgerEntry> query(LedgerQuery query) {
        return ledger.query(query);
    }

    @Override
    public Optional<LedgerEntry> head() {
        return ledger.head();
    }

    @Override
    public VerifyResult verify() {
        return ledger.verify();
    }

    @Override
    public Verification check(LedgerHead expected) {
        return ledger.check(expected);
    }

    @Override
    public Optional<InputStream> openAttachment(String name) throws IOException {
        return ledger.openAttachment(name);
    }

    @Override
    public List<String> attachmentNames() {
        return ledger.attachmentNames();
    }

    @Override
    public Optional<HeadKey> headKey() {
        return ledger.headKey();
    }

    @Override
    public String describe() {
        return ledger.describe();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it sees 'closed' and records nothing.
        }
        ledger.close();
    }
}
