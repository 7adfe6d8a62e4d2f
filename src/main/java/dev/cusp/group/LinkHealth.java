package dev.cusp.group;

import dev.cusp.group.Monitor.Health;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.node.MariaDbErrors.Kind;

/**
 * A link's state and fault from what MariaDB shows of it: pure functions, so every
 * combination is tested without a node. The rule that matters most: an error number outside
 * the network set never gives {@link Health#HEALTHY}, whatever the threads say. MariaDB keeps
 * a receiver "running" (connecting, retrying) after errors such as a refused password, and
 * Cusp's reconciler restarts a receiver that stopped, so "running" alone proves nothing.
 */
public final class LinkHealth {
    private LinkHealth() {
    }

    /** The receiver (IO thread) as {@code Slave_IO_Running} shows it. */
    public enum Receiver {
        RUNNING, CONNECTING, STOPPED;

        /**
         * Only "No" is stopped: MariaDB also shows "Preparing" while a receiver starts, and
         * "Connecting" while it retries; both are on their way to the source.
         */
        public static Receiver of(String slaveIoRunning) {
            if ("Yes".equals(slaveIoRunning)) {
                return RUNNING;
            }
            return slaveIoRunning == null || "No".equals(slaveIoRunning) ? STOPPED : CONNECTING;
        }
    }

    /**
     * One look at a link.
     *
     * @param waiting       changes from the source are received and not yet applied (the source moved)
     * @param idleSeconds   seconds the applied position has not moved while {@code waiting}
     * @param secondsBehind MariaDB's lag estimate, null when unknown
     */
    public record Observation(Receiver receiver, boolean applierRunning, int ioErrno, int sqlErrno,
                              Long secondsBehind, boolean waiting, long idleSeconds) {
    }

    /** The thresholds: {@code monitor.lag.seconds} and {@code monitor.stuck.seconds}. */
    public record Limits(int lagSeconds, int stuckSeconds) {
    }

    /** A state and, unless healthy, the fault that explains it. */
    public record Verdict(Health health, Fault fault) {
        static final Verdict HEALTHY = new Verdict(Health.HEALTHY, null);

        static Verdict of(Fault f) {
            return new Verdict(f.health(), f);
        }
    }

    /** The state and fault of a link. */
    public static Verdict classify(Observation o, Limits limits) {
        if (o.sqlErrno() != 0) {
            return Verdict.of(errorFault(o.sqlErrno(), true));
        }
        if (o.ioErrno() != 0 && !MariaDbErrors.network(o.ioErrno())) {
            return Verdict.of(errorFault(o.ioErrno(), false));
        }
        // From here the only error is a network one, or none.
        if (!o.applierRunning()) {
            return Verdict.of(Fault.LINK_STOPPED);
        }
        if (o.receiver() == Receiver.STOPPED) {
            // Stopped after a network error: the reconciler starts it again. Stopped without one: by hand.
            return Verdict.of(o.ioErrno() != 0 ? Fault.SOURCE_UNREACHABLE : Fault.LINK_STOPPED);
        }
        if (o.receiver() == Receiver.CONNECTING) {
            return Verdict.of(Fault.SOURCE_UNREACHABLE);
        }
        if (o.waiting() && o.idleSeconds() >= limits.stuckSeconds()) {
            return Verdict.of(Fault.STUCK_APPLIER);
        }
        if (o.secondsBehind() != null && o.secondsBehind() > limits.lagSeconds()) {
            return Verdict.of(Fault.LAGGING);
        }
        return Verdict.HEALTHY;
    }

    /** The fault an error number stands for, on the applier ({@code applier}) or the receiver. */
    static Fault errorFault(int errno, boolean applier) {
        Kind k = MariaDbErrors.kind(errno);
        return switch (k) {
            case CONFLICT -> Fault.ROW_CONFLICT;
            case PURGED_BINLOG -> Fault.PURGED_BINLOG;
            case MISSING_OBJECT -> Fault.MISSING_OBJECT;
            // The applier's own privileges are not the replication account's.
            case AUTH -> applier ? Fault.APPLIER_ERROR : Fault.REPLICATION_AUTH;
            case RELAY_LOG -> Fault.RELAY_LOG_CORRUPT;
            case LOCK -> Fault.APPLIER_LOCK_TIMEOUT;
            case READ_ONLY -> Fault.REPLICA_READ_ONLY;
            case DISK_FULL -> Fault.DISK_FULL;
            case NONE, NETWORK, OTHER -> applier ? Fault.APPLIER_ERROR : Fault.RECEIVER_ERROR;
        };
    }

    /**
     * What a link remembers between looks: the last fault that came from an error, and how many
     * looks in a row since then found the link running without one.
     */
    public record Memory(Verdict fault, int cleanLooks) {
        static final Memory NONE = new Memory(null, 0);
    }

    /** What to show now and what to remember: see {@link #settle}. */
    public record Settled(Verdict shown, Memory memory) {
    }

    /** Looks in a row a link must run without error before a remembered error fault is cleared. */
    static final int CLEAN_LOOKS = 2;

    /**
     * An error fault is remembered until the link has run without error on {@link #CLEAN_LOOKS}
     * looks in a row. Between two looks the reconciler may restart a link (after 1236, after a
     * refused account), and MariaDB clears the error on a restart: the next look then sees a
     * receiver connecting, or even running for a moment, with no error. Without this memory the
     * purged-binlog link of issue 15 showed "healthy" for good. A network error forgets the
     * fault: the last attempt reached no source, so nothing is known of the old error any more.
     */
    public static Settled settle(Memory before, Verdict now, boolean networkErrorNow) {
        if (now.fault() != null && now.fault().fromError()) {
            return new Settled(now, new Memory(now, 0));
        }
        if (before.fault() == null || networkErrorNow) {
            return new Settled(now, Memory.NONE);
        }
        boolean running = now.health() == Health.HEALTHY || now.health() == Health.LAGGING;
        if (!running) {
            return new Settled(before.fault(), new Memory(before.fault(), 0));
        }
        int clean = before.cleanLooks() + 1;
        return clean >= CLEAN_LOOKS ? new Settled(now, Memory.NONE)
                : new Settled(before.fault(), new Memory(before.fault(), clean));
    }
}
