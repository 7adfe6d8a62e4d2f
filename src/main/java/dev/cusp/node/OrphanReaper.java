package dev.cusp.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a {@code mariadbd} left running by a site that was killed with -9. Such a process
 * still holds the data directory and the port; it is asked to shut down cleanly (SIGTERM, so
 * InnoDB flushes), and only killed if it does not stop within a minute.
 */
final class OrphanReaper {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanReaper.class);

    private OrphanReaper() {
    }

    static void reap(Path pidFile, Path dataDir) {
        Optional<ProcessHandle> orphan = running(pidFile, dataDir);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle p = orphan.get();
        LOG.warn("node: stopping mariadbd pid {} left running by an earlier site process", p.pid());
        p.destroy();
        try {
            p.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("node: mariadbd pid {} did not stop in 60 s; killing it", p.pid());
            p.destroyForcibly();
            p.onExit().orTimeout(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS).join();
        }
    }

    /** The mariadbd named by the pid file, if it is alive and serves this data directory. */
    static Optional<ProcessHandle> running(Path pidFile, Path dataDir) {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (Exception e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
            String cmd = h.info().commandLine().orElse(h.info().command().orElse(""));
            return cmd.contains("mariadbd") && (cmd.contains(dataDir.toString()) || cmd.isEmpty());
        });
    }
}
