package dev.cusp.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the two schedules: backups of every practice, one after the other, each followed by its
 * retention; and the verification drill of every practice's newest backup. One virtual thread
 * sleeps until the next of the two times. A run that is still going when its next time comes
 * is not started twice; the next run starts at the following time.
 */
public final class BackupScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);

    /** What the schedules are doing: for {@code cusp backup list} and the API. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Status(String schedule, String verifySchedule, Instant nextBackup, Instant nextVerify,
                         Progress running, Progress last) {
    }

    /**
     * One run: what (backup or verify), started when, practices done of how many, which one now
     * (null when finished), and how many failed.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Progress(String what, Instant startedAt, int done, int total, String current, int failed,
                           Instant finishedAt) {
    }

    private final BackupService service;
    private final BackupSchedule backups;
    private final BackupSchedule drills;
    private final String backupText;
    private final String verifyText;
    private final ZoneId zone;
    private volatile Thread thread;
    private volatile boolean stopped;

    public BackupScheduler(BackupService service, String backupSchedule, String verifySchedule, ZoneId zone) {
        this.service = service;
        this.backupText = backupSchedule;
        this.verifyText = verifySchedule;
        this.backups = BackupSchedule.parse(backupSchedule);
        this.drills = BackupSchedule.parse(verifySchedule);
        this.zone = zone;
    }

    public void start() {
        thread = Thread.ofVirtual().name("backup-scheduler").start(this::loop);
    }

    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public Status status() {
        ZonedDateTime now = ZonedDateTime.now(zone);
        return new Status(backupText, verifyText, backups.next(now).map(ZonedDateTime::toInstant).orElse(null),
                drills.next(now).map(ZonedDateTime::toInstant).orElse(null), service.running(), service.lastRun());
    }

    private void loop() {
        ZonedDateTime from = ZonedDateTime.now(zone);
        Optional<ZonedDateTime> nextBackup = backups.next(from);
        Optional<ZonedDateTime> nextDrill = drills.next(from);
        while (!stopped && (nextBackup.isPresent() || nextDrill.isPresent())) {
            ZonedDateTime due = earliest(nextBackup, nextDrill);
            long waitNanos = java.time.Duration.between(ZonedDateTime.now(zone), due).toNanos();
            if (waitNanos > 0) {
                LockSupport.parkNanos(Math.min(waitNanos, 60_000_000_000L));
                continue;
            }
            try {
                if (nextBackup.isPresent() && !nextBackup.get().isAfter(due)) {
                    service.backupAll(BackupManifest.KIND_SCHEDULED);
                    nextBackup = backups.next(ZonedDateTime.now(zone));
                } else {
                    service.verifyAll();
                    nextDrill = drills.next(ZonedDateTime.now(zone));
                }
            } catch (RuntimeException e) {
                // A failed run is logged with each practice's reason; the schedule goes on.
                LOG.error("backup schedule: run failed: {}", e.getMessage(), e);
                nextBackup = backups.next(ZonedDateTime.now(zone));
                nextDrill = drills.next(ZonedDateTime.now(zone));
            }
        }
    }

    private static ZonedDateTime earliest(Optional<ZonedDateTime> a, Optional<ZonedDateTime> b) {
        if (a.isEmpty()) {
            return b.orElseThrow();
        }
        if (b.isEmpty()) {
            return a.get();
        }
        return a.get().isBefore(b.get()) ? a.get() : b.get();
    }
}
