package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.MovableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest finds entries and attachments and leaves reading them to the reader it is handed (the
 * owner's, in the CLI): the chart series keep the last runs of each subject oldest first and leave
 * out a run the reader finds no value in; an attachment is read by the reader, an entry without one
 * has none.
 */
class EvidenceDigestTest {
    private static final String KIND = EvidenceKind.BACKUP.id();

    @TempDir
    Path dir;
    final MovableClock clock = new MovableClock(Instant.parse("2026-11-20T09:00:00Z"));
    Ledger ledger;

    @BeforeEach
    void open() {
        ledger = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "dba@bastion", clock);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private LedgerEntry append(String subject, Outcome o, Map<String, Object> payload, String attachment) {
        clock.advance(Duration.ofMinutes(1));
        NewEntry e = NewEntry.of(KIND, subject, o, subject + " " + o.label(), payload);
        if (attachment != null) {
            e = e.withAttachments(List.of(new NewEntry.Attachment(subject + "-" + clock.instant().getEpochSecond() + ".json", "application/json",
                    attachment.getBytes(StandardCharsets.UTF_8))));
        }
        return ledger.append(e);
    }

    /** What a test reader finds: the payload's {@code n}, when it has one. */
    private static OptionalLong n(LedgerEntry e) {
        return e.payload().contains("\"n\"") ? OptionalLong.of(Long.parseLong(e.payload().replaceAll("\\D", "")))
                : OptionalLong.empty();
    }

    @Test
    void aSeriesHasTheLastRunsOfEachSubjectOldestFirstWithoutTheRunsTheReaderFindsNoValueIn() {
        for (int i = 1; i <= EvidenceDigest.CHART_RUNS + 3; i++) {
            append("db", i % 5 == 0 ? Outcome.FAILED : Outcome.PASSED, Map.of("n", i), null);
        }
        append("cache", Outcome.FAILED, Map.of("failure", "no space"), null);
        append("cache", Outcome.PASSED, Map.of("n", 7), null);
        append("assets", Outcome.FAILED, Map.of("failure", "denied"), null);

        Map<String, List<EvidenceDigest.Point>> series = EvidenceDigest.series(ledger, KIND, EvidenceDigestTest::n);
        assertThat(series).containsOnlyKeys("cache", "db");
        assertThat(series.get("db")).extracting(EvidenceDigest.Point::value)
                .containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        assertThat(series.get("db")).filteredOn(p -> !p.good()).extracting(EvidenceDigest.Point::value)
                .containsExactly(5L, 10L, 15L);
        assertThat(series.get("cache")).singleElement().satisfies(p -> {
            assertThat(p.value()).isEqualTo(7);
            assertThat(p.good()).isTrue();
        });
    }

    @Test
    void theNewestAttachmentOfEachSubjectIsReadByTheReaderAndAnEntryWithoutOneHasNone() {
        append("staging", Outcome.PASSED, Map.of(), "{\"hosts\": 1}");
        append("production", Outcome.PASSED, Map.of(), "{\"hosts\": 2}");
        LedgerEntry newest = append("staging", Outcome.FAILED, Map.of(), "{\"hosts\": 3}");
        LedgerEntry bare = append("preview", Outcome.PASSED, Map.of(), null);

        Map<String, EvidenceDigest.Attached<Integer>> all = EvidenceDigest.newestPerSubject(ledger, KIND,
                (JsonNode json) -> json.path("hosts").asInt());
        assertThat(all).containsOnlyKeys("preview", "staging", "production");
        assertThat(all.keySet()).containsExactly("preview", "staging", "production");
        assertThat(all.get("staging").entry().seq()).isEqualTo(newest.seq());
        assertThat(all.get("staging").report()).isEqualTo(3);
        assertThat(all.get("production").report()).isEqualTo(2);
        assertThat(all.get("preview").entry().seq()).isEqualTo(bare.seq());
        assertThat(all.get("preview").report()).isNull();

        EvidenceDigest.Attached<Integer> one = EvidenceDigest.newest(ledger, KIND, json -> json.path("hosts").asInt());
        assertThat(one.entry().seq()).isEqualTo(bare.seq());
        assertThat(one.report()).isNull();
        assertThat(EvidenceDigest.newest(ledger, EvidenceKind.DEPS.id(), json -> json)).isNull();
    }

    @Test
    void theDigestHasTheHistoryGroupsTheHeadAndWhatItWasHanded() {
        append("db", Outcome.PASSED, Map.of("n", 1), null);
        LedgerEntry last = append("db", Outcome.PASSED, Map.of("n", 2), null);
        EvidenceDigest.Series series = new EvidenceDigest.Series(EvidenceDigest.series(ledger, KIND, EvidenceDigestTest::n),
                Map.of());
        EvidenceDigest d = EvidenceDigest.read(ledger, EvidenceDigest.PlanFacts.NONE, List.of(), series);
        assertThat(d.groups().keySet()).containsExactlyElementsOf(EvidenceDigest.GROUPS.stream()
                .map(EvidenceDigest.Group::kind).toList());
        assertThat(d.groups().get(KIND)).extracting(LedgerEntry::seq).containsExactly(last.seq(), last.seq() - 1);
        assertThat(d.ledgerHead()).isEqualTo(last.hash());
        assertThat(d.ledgerHeadSeq()).isEqualTo(last.seq());
        assertThat(d.backupSizes().get("db")).extracting(EvidenceDigest.Point::value).containsExactly(1L, 2L);
        assertThat(d.restoreTimes()).isEmpty();
        assertThat(EvidenceDigest.read(ledger).backupSizes()).isEmpty();
    }
}
