package dev.cusp.backup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which scheduled backups of one practice to keep: the newest of each of the {@code daily} most
 * recent days that have a backup, of each of the {@code weekly} most recent ISO weeks, and of
 * each of the {@code monthly} most recent months (the same backup may count for all three), and
 * always the newest backup. Everything else of kind {@code scheduled} is deleted; backups of
 * any other kind (manual, an update's) are never deleted by retention.
 */
public record Retention(int daily, int weekly, int monthly, ZoneId zone) {

    /** A backup as retention sees it. */
    public record Item(String id, String kind, Instant createdAt) {
    }

    /** The ids to delete from {@code items} (one practice's backups). */
    public List<String> toDelete(List<Item> items) {
        List<Item> scheduled = items.stream().filter(i -> BackupManifest.KIND_SCHEDULED.equals(i.kind()))
                .sorted(Comparator.comparing(Item::createdAt).thenComparing(Item::id).reversed()).toList();
        Set<String> keep = new HashSet<>();
        if (!scheduled.isEmpty()) {
            keep.add(scheduled.get(0).id());
        }
        keep.addAll(newestPer(scheduled, daily, t -> t.toLocalDate()));
        keep.addAll(newestPer(scheduled, weekly, t -> t.get(IsoFields.WEEK_BASED_YEAR) * 100
                + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
        keep.addAll(newestPer(scheduled, monthly, t -> t.getYear() * 100 + t.getMonthValue()));
        List<String> out = new ArrayList<>();
        for (Item i : scheduled) {
            if (!keep.contains(i.id())) {
                out.add(i.id());
            }
        }
        return out;
    }

    /** Walking newest first, the first backup of each new period, for {@code count} periods. */
    private Set<String> newestPer(List<Item> newestFirst, int count, Function<ZonedDateTime, Object> period) {
        Set<String> out = new LinkedHashSet<>();
        Set<Object> seen = new HashSet<>();
        for (Item i : newestFirst) {
            if (seen.size() == count) {
                break;
            }
            if (seen.add(period.apply(i.createdAt().atZone(zone)))) {
                out.add(i.id());
            }
        }
        return out;
    }
}
