package dev.cusp.query;

import dev.cusp.error.CuspException;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.wire.QueryResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query window: checks one statement ({@link QueryChecker}), writes it to the practice's
 * security log, and runs it as the practice's own database user ({@link QueryRunner}). The API's
 * practice route and the site admin's route (the CLI) both come here; neither ever runs a query
 * as an administrative database user.
 */
public final class QueryWindow implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryWindow.class);
    public static final int DEFAULT_MAX_ROWS = 1000;
    public static final int MAX_ROWS = 10_000;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    public static final int MAX_TIMEOUT_SECONDS = 300;
    private static final int MAX_LOGGED_CHARS = 8000;

    private final TenantPools pools;
    private final BooleanSupplier replica;
    private final Supplier<String> replicaHint;
    private final ScratchSessions sessions;
    private final QueryLimits limits;
    private final long maxBytes;

    /**
     * @param replica     true while this site is a report replica (read_only)
     * @param replicaHint a report replica of the group to name to users ("site r (https://...)"), or null
     * @param limits      statements at once, per practice and site-wide
     * @param maxBytes    largest answer, in bytes of JSON cells (setting query.max.bytes)
     */
    public QueryWindow(TenantPools pools, BooleanSupplier replica, Supplier<String> replicaHint, QueryLimits limits,
                       long maxBytes) {
        this.pools = pools;
        this.replica = replica;
        this.replicaHint = replicaHint;
        this.sessions = new ScratchSessions(pools);
        this.limits = limits;
        this.maxBytes = maxBytes;
    }

    /**
     * Checks and runs {@code sql} for {@code actor}.
     *
     * @param breakGlass null for a practice's own user; for the site admin, why it reads the
     *                   practice's data (required, written to the practice's security log and
     *                   the site log)
     * @param sessionKey identifies the caller's query session (its bearer token) for scratch tables
     * @param maxRows    null for the default
     * @param timeout    seconds, null for the default
     */
    // javac's "try" lint: the query limit's turn is held while the query runs and given back after; nothing uses it.
    @SuppressWarnings("try")
    public QueryResult run(Tenant t, Actor actor, String breakGlass, String sessionKey, String sql,
                                   Integer maxRows, Integer timeout) throws SQLException {
        int rows = maxRows == null ? DEFAULT_MAX_ROWS : maxRows;
        if (rows < 1 || rows > MAX_ROWS) {
            throw CuspException.invalid("max_rows", "max_rows must be from 1 to " + MAX_ROWS);
        }
        int seconds = timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout;
        if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
            throw CuspException.invalid("timeout_seconds", "timeout_seconds must be from 1 to " + MAX_TIMEOUT_SECONDS);
        }
        String action = breakGlass == null ? "query" : "admin-query";
        String logged = breakGlass == null ? sql : "reason: " + breakGlass + "\n" + sql;
        if (breakGlass != null) {
            // The statement's text can hold patients' names and other practice data: it goes to
            // the practice's own security log (at a report replica, which cannot write that
            // table, to the site log like every statement there), not into this warning.
            LOG.warn("tenant {}: the site admin reads the practice's data through the query window (break-glass),"
                    + " reason: {}; the statement is in the practice's security log", t.name(), oneLine(breakGlass));
        }
        boolean atReplica = replica.getAsBoolean();
        CheckedQuery q;
        try {
            q = new QueryChecker(t.dbName(), atReplica, atReplica ? null : replicaHint.get()).check(sql);
        } catch (CuspException e) {
            audit(t, actor, action + "-refused", e.getMessage() + "\n" + logged);
            throw e;
        }
        try (QueryLimits.Turn turn = limits.enter(t.name())) {
            String where = audit(t, actor, action, logged);
            QueryResult out;
            if (atReplica && q.scratch()) {
                out = inSession(t, sessionKey, q, rows, seconds);
            } else {
                try (TenantPools.Lease l = pools.lease(t)) {
                    // The session changes (sql_mode) and whatever a statement leaves behind end
                    // with the connection: it never serves another request.
                    l.discard();
                    QueryRunner.prepare(l.connection());
                    out = QueryRunner.run(l.connection(), q, rows, seconds, maxBytes);
                }
            }
            return out.loggedTo(where);
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}", " ");
    }

    private QueryResult inSession(Tenant t, String key, CheckedQuery q, int rows, int seconds)
            throws SQLException {
        ScratchSessions.Held h = sessions.acquire(t.name() + "/" + key, t);
        try {
            QueryResult out = QueryRunner.run(h.lease.connection(), q, rows, seconds, maxBytes);
            if (q.verb().equals("CREATE TABLE")) {
                h.tables.addAll(q.targets());
            } else if (q.verb().equals("DROP TABLE")) {
                q.targets().forEach(h.tables::remove);
            }
            return out.noted("scratch tables at a report replica are temporary tables of your query session: they"
                    + " last until it has been idle for " + ScratchSessions.IDLE.toMinutes() + " minutes");
        } catch (SQLException e) {
            sessions.discard(t.name() + "/" + key);
            throw e;
        } finally {
            h.lock.unlock();
        }
    }

    /**
     * Writes the statement to the practice's security log, before it runs. A report replica is
     * read-only even for that table, so there the site log gets the line instead.
     */
    private String audit(Tenant t, Actor actor, String action, String text) throws SQLException {
        String details = text.length() > MAX_LOGGED_CHARS ? text.substring(0, MAX_LOGGED_CHARS) + "..." : text;
        try (TenantPools.Lease l = pools.lease(t)) {
            Connection c = l.connection();
            SecurityLog.write(c, actor, action, "query", null, details);
            return "security_log";
        } catch (SQLException e) {
            if (!MariaDbErrors.readOnly(e)) {
                throw e;
            }
            LOG.info("tenant {}: {} by {} at read-only site {}: {}", t.name(), action, actor.userName(), actor.site(),
                    details.replace('\n', ' '));
            return "site_log";
        }
    }

    @Override
    public void close() {
        sessions.close();
    }
}
