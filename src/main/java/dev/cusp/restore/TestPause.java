package dev.cusp.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A test seam: the next restore stops dead at a named phase, as a site killed there would, so a
 * test can restart the site and see the restore finished or undone from its journal.
 */
final class TestPause {
    private final Path work;
    private volatile String stopAt;
    private volatile boolean stopped;

    TestPause(Path work) {
        this.work = work;
    }

    void stopAt(String phase) {
        this.stopAt = phase;
    }

    boolean stopped() {
        return stopped;
    }

    /** At {@code phase}: parks the thread for good when the test asked for that phase. */
    void reached(String phase) {
        if (phase.equals(stopAt)) {
            stopAt = null;
            stopped = true;
            try {
                // What a test that kills this site (another process) waits for.
                Files.writeString(work.resolve("paused-" + phase), phase);
            } catch (IOException e) {
                Restorer.LOG.warn("restore: cannot mark the pause at {}: {}", phase, e.getMessage());
            }
            Restorer.LOG.warn("restore: stopped for good at {} (restore.test.pause)", phase);
            while (true) {
                LockSupport.park(this);
            }
        }
    }
}
