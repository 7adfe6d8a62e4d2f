package dev.cusp.query;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * How many query-window statements run at once: per practice and for the whole site. A report
 * holds a database connection, server CPU and up to {@code query.max.bytes} of answer while it
 * runs; without a limit one practice's reports could take them from every other practice. A
 * statement over a limit is not queued: it is answered at once with {@code Retry-After}, so a
 * waiting request never holds an HTTP worker either: 429 when the practice is over its own limit
 * (its own doing: it should wait for its other statements), 503 when the whole site is busy.
 */
public final class QueryLimits {
    /** Seconds a refused caller is told to wait. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final int perTenant;
    private final int site;
    private final Semaphore siteSlots;
    private final Map<String, Semaphore> tenantSlots = new ConcurrentHashMap<>();

    public QueryLimits(int perTenant, int site) {
        this.perTenant = perTenant;
        this.site = site;
        this.siteSlots = new Semaphore(site);
    }

    /** A turn to run one statement; close it when the statement is done. */
    public interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a turn for {@code tenant} now, or throws {@link Busy}. */
    public Turn enter(String tenant) {
        Semaphore mine = tenantSlots.computeIfAbsent(tenant, t -> new Semaphore(perTenant));
        if (!mine.tryAcquire()) {
            throw new Busy(ErrorCode.TOO_MANY_REQUESTS, "practice '" + tenant + "' already runs " + perTenant
                    + " query-window statement" + (perTenant == 1 ? "" : "s") + " at once (setting query.concurrent.per.tenant); try again when"
                    + " one has finished");
        }
        if (!siteSlots.tryAcquire()) {
            mine.release();
            throw new Busy(ErrorCode.UNAVAILABLE, "this site already runs " + site + " query-window statements at"
                    + " once (setting query.concurrent.site); try again in a few seconds");
        }
        return new Turn() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    siteSlots.release();
                    mine.release();
                }
            }
        };
    }

    /** Statements running now, site-wide. */
    public int running() {
        return site - siteSlots.availablePermits();
    }

    /** Over a limit: 429 (the practice's) or 503 (the site's); the API adds {@code Retry-After}. */
    public static final class Busy extends CuspException {
        private static final long serialVersionUID = 1L;

        Busy(ErrorCode code, String message) {
            super(code, message);
        }

        public int retryAfterSeconds() {
            return RETRY_AFTER_SECONDS;
        }
    }
}
