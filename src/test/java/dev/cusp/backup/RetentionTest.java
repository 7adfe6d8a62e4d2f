package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
    static Retention.Item at(String id, String kind, String time) {
        return new Retention.Item(id, kind, LocalDateTime.parse(time).toInstant(ZoneOffset.UTC));
    }

    @Test
    void keepsTheNewestOfEachDayWeekAndMonthAndNothingElse() {
        List<Retention.Item> items = new ArrayList<>();
        // Two a day from 2026-09-01 to 2026-12-03 (both at 02:30 and 14:30).
        for (LocalDateTime d = LocalDateTime.parse("2026-09-01T02:30"); d.isBefore(LocalDateTime.parse("2026-12-04T00:00"));
                d = d.plusHours(12)) {
            items.add(new Retention.Item(d.toString(), "scheduled", d.toInstant(ZoneOffset.UTC)));
        }
        items.add(at("manual-old", "manual", "2026-01-01T00:00"));
        List<String> deleted = new Retention(3, 2, 2, ZoneOffset.UTC).toDelete(items);
        List<String> kept = items.stream().map(Retention.Item::id).filter(id -> !deleted.contains(id)).toList();
        assertThat(kept).containsExactlyInAnyOrder(
                "manual-old",
                // daily: 3 days
                "2026-12-03T14:30", "2026-12-02T14:30", "2026-12-01T14:30",
                // weekly: the week of Monday 2026-11-30 (already kept), and the one before
                "2026-11-29T14:30",
                // monthly: December (kept), November's newest (2026-11-30, Monday: already a day before Dec 1)
                "2026-11-30T14:30");
        assertThat(deleted).hasSize(items.size() - kept.size());
    }

    @Test
    void theNewestIsKeptEvenWithNothingToKeep() {
        List<Retention.Item> items = List.of(at("a", "scheduled", "2026-12-01T02:30"),
                at("b", "scheduled", "2026-12-02T02:30"));
        assertThat(new Retention(0, 0, 0, ZoneOffset.UTC).toDelete(items)).containsExactly("a");
    }

    @Test
    void schedulesFireAtTheirNextTime() {
        ZonedDateTime now = ZonedDateTime.of(2026, 12, 3, 12, 42, 10, 0, ZoneOffset.UTC); // a Thursday
        assertThat(BackupSchedule.parse("daily 02:30").next(now)).hasValue(now.withDayOfMonth(4).withHour(2)
                .withMinute(30).withSecond(0));
        assertThat(BackupSchedule.parse("hourly").next(now)).hasValue(now.withHour(13).withMinute(0).withSecond(0));
        assertThat(BackupSchedule.parse("hourly :50").next(now)).hasValue(now.withMinute(50).withSecond(0));
        assertThat(BackupSchedule.parse("weekly sun 04:00").next(now)).hasValue(now.withDayOfMonth(6).withHour(4)
                .withMinute(0).withSecond(0));
        assertThat(BackupSchedule.parse("weekly thu 12:42").next(now)).hasValue(now.withDayOfMonth(10)
                .withSecond(0));
        assertThat(BackupSchedule.parse("off").next(now)).isEmpty();
    }
}
