package dev.cusp.backup;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;

/**
 * A schedule setting ({@code backup.schedule}, {@code backup.verify.schedule}): {@code off},
 * {@code hourly} (on the hour), {@code hourly :MM}, {@code daily HH:MM}, {@code weekly DAY HH:MM}.
 * The setting's validator has checked the grammar; times are the site machine's local time.
 */
public record BackupSchedule(Every every, int minute, int hour, DayOfWeek day) {
    public enum Every { OFF, HOURLY, DAILY, WEEKLY }

    public static BackupSchedule parse(String text) {
        String[] p = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
        return switch (p[0]) {
            case "off" -> new BackupSchedule(Every.OFF, 0, 0, null);
            case "hourly" -> new BackupSchedule(Every.HOURLY, p.length > 1 ? Integer.parseInt(p[1].substring(1)) : 0, 0,
                    null);
            case "daily" -> new BackupSchedule(Every.DAILY, minute(p[1]), hour(p[1]), null);
            case "weekly" -> new BackupSchedule(Every.WEEKLY, minute(p[2]), hour(p[2]), day(p[1]));
            default -> throw new IllegalArgumentException("not a schedule: " + text);
        };
    }

    /** The first time strictly after {@code after} this schedule fires; empty when off. */
    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        ZonedDateTime base = after.truncatedTo(ChronoUnit.MINUTES);
        ZonedDateTime t = switch (every) {
            case OFF -> null;
            case HOURLY -> base.withMinute(minute);
            case DAILY -> base.withHour(hour).withMinute(minute);
            case WEEKLY -> base.with(TemporalAdjusters.nextOrSame(day)).withHour(hour).withMinute(minute);
        };
        if (t == null) {
            return Optional.empty();
        }
        while (!t.isAfter(after)) {
            t = switch (every) {
                case HOURLY -> t.plusHours(1);
                case DAILY -> t.plusDays(1);
                default -> t.plusWeeks(1);
            };
        }
        return Optional.of(t);
    }

    private static int hour(String hhmm) {
        return Integer.parseInt(hhmm.substring(0, 2));
    }

    private static int minute(String hhmm) {
        return Integer.parseInt(hhmm.substring(3, 5));
    }

    private static DayOfWeek day(String d) {
        for (DayOfWeek w : DayOfWeek.values()) {
            if (w.name().toLowerCase(Locale.ROOT).startsWith(d)) {
                return w;
            }
        }
        throw new IllegalArgumentException("not a day: " + d);
    }
}
