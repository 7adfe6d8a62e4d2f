package dev.cusp.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A test seam: the next restore stops dead at a named phase, as a site killed there would, so a
 * test can restart the site and see the restore finished or undone from its journal.
 *
 * <p>Not a setting: a test in the same JVM calls {@link Restorer#stopAt}, and one that starts
 * the site as another process passes the JVM system property {@value #PROPERTY} to it
 * ({@code cusp up --detach} hands on {@code cusp.test.*} properties). Neither {@code cusp.conf}
 * nor the environment can set it.
 */
final class TestPause {
    /** The JVM system property a separately started test site reads its pause from. */
    static final String PROPERTY = "cusp.test.restore.pause";
    private final Path work;
    private volatile String stopAt;
    private volatile boolean stopped;

    TestPause(Path work) {
        this.work = work;
    }

    /** The phase {@value #PROPERTY} names in this JVM, if any. */
    static Optional<String> requested() {
        String p = System.getProperty(PROPERTY, "");
        return p.isBlank() ? Optional.empty() : Optional.of(p.trim());
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
            Restorer.LOG.warn("restore: stopped for good at {} (test pause)", phase);
            while (true) {
                LockSupport.park(this);
            }
        }
    }
}
