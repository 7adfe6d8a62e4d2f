package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Actor;
import dev.cusp.practice.DestructiveOperations;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.PracticeUserAdmin;
import dev.cusp.practice.PracticeUsers;
import dev.cusp.practice.SecurityLog;
import dev.cusp.secret.Passwords;
import dev.cusp.practice.Records;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The middle tier: practice users log in per tenant and work on their own practice's
 * records. Every request runs on a connection of the tenant's own pool (its own database
 * user), in one transaction, and every change is written to the tenant's security log.
 */
public final class PracticeRoutes implements RouteModule {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PracticeRoutes.class);
    private static final String BASE = "/api/v1/t/{tenant}";
    private static final String TENANT_PREFIX = "/api/v1/t/";
    /** Request attribute holding the session the before-handler checked. */
    private static final String SESSION = "cusp.session";
    /**
     * How long a registry row is trusted. Changes made through this site (suspend, resume,
     * drop) reach the cache at once through {@link #tenantChanged}; the bound only limits how
     * long a change made any other way could go unseen.
     */
    private static final long TENANT_TTL_NANOS = 60_000_000_000L;

    private final TenantRegistry registry;
    private final TenantPools pools;
    private final Sessions sessions;
    private final String site;
    private final LoginThrottle throttle;
    /** Registry lookups are cached: a hot path reads the tenant on every request. */
    private final Map<String, CachedTenant> cache = new ConcurrentHashMap<>();

    private record CachedTenant(Tenant tenant, long at) {
    }

    /** Work done inside one tenant transaction. */
    @FunctionalInterface
    interface Work {
        Object run(Connection c, Actor actor) throws SQLException;
    }

    public PracticeRoutes(TenantRegistry registry, TenantPools pools, Sessions sessions, String site,
                          LoginThrottle throttle) {
        this(registry, pools, sessions, site, throttle, null);
    }

    /**
     * @param schemaLatest the newest practice schema version this site carries: a practice
     *                     migrated further (by a newer Cusp elsewhere) is refused, naming the
     *                     side to update; null serves every version
     */
    public PracticeRoutes(TenantRegistry registry, TenantPools pools, Sessions sessions, String site,
                          LoginThrottle throttle, String schemaLatest) {
        this.schemaLatest = schemaLatest;
        this.registry = registry;
        this.pools = pools;
        this.sessions = sessions;
        this.site = site;
        this.throttle = throttle;
        sessions.stampsFrom(this::currentStamp);
    }

    /** Forgets what it knew of a tenant; when {@code closed} (suspend, drop) its sessions end too. */
    public void tenantChanged(String tenant, boolean closed) {
        cache.remove(tenant);
        if (closed) {
            sessions.revokeTenant(tenant);
        }
    }

    private final String schemaLatest;

    @Override
    public void register(Javalin app) {
        // Authenticate before anything else the request says is looked at: without a valid
        // token, a caller gets 401, not validation answers about its body, ids or paths.
        Before.under(app, "/api/v1/t", ctx -> {
            String tenant = tenantInPath(ctx.path());
            if (tenant != null && !(ctx.method() == HandlerType.POST && isLogin(ctx.path()))) {
                session(ctx, tenant);
            }
        });
        app.post(BASE + "/login", this::login, ApiRole.PRACTICE_LOGIN);
        app.post(BASE + "/logout", ctx -> {
            session(ctx);
            sessions.revoke(ctx.header("Authorization"));
            ctx.status(204);
        }, ApiRole.PRACTICE_LOGIN);
        app.post(BASE + "/patients/merge", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "from", "into");
            long from = Json.id(b, "from");
            long into = Json.id(b, "into");
            Json.send(ctx, tx(ctx, (c, a) -> DestructiveOperations.mergePatients(c, a, from, into)));
        }, ApiRole.PRACTICE_DESTRUCTIVE);
        app.post(BASE + "/insurance-plans/combine", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "keep", "merge");
            long keep = Json.id(b, "keep");
            JsonNode m = b.get("merge");
            if (m == null || !m.isArray()) {
                throw CuspException.invalid("merge", "merge must be an array of plan ids");
            }
            List<Long> merge = new ArrayList<>();
            for (JsonNode n : m) {
                if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1) {
                    throw CuspException.invalid("merge", "merge must hold positive whole numbers");
                }
                merge.add(n.asLong());
            }
            Json.send(ctx, tx(ctx, (c, a) -> DestructiveOperations.combinePlans(c, a, keep, merge)));
        }, ApiRole.PRACTICE_DESTRUCTIVE);
        app.post(BASE + "/users", ctx -> {
            requireAdmin(ctx, "add users");
            JsonNode b = Json.body(ctx);
            Json.only(b, "user_name", "password", "is_admin");
            String user = Json.text(b, "user_name", true);
            String pw = Json.text(b, "password", true);
            boolean admin = Json.bool(b, "is_admin", false);
            Json.send(ctx.status(201), tx(ctx, (c, a) -> PracticeUsers.create(c, a, user, pw, admin)));
        }, ApiRole.PRACTICE_WRITE);
        app.put(BASE + "/users/me/password", ctx -> {
            Sessions.Session s = session(ctx);
            JsonNode b = Json.body(ctx);
            Json.only(b, "current_password", "new_password");
            String cur = Json.text(b, "current_password", true);
            String next = Json.text(b, "new_password", true);
            // A weak new password is refused before the throttle: that answer checks no secret.
            Passwords.requireStrong("new_password", next, s.userName());
            String from = clientAddress(ctx);
            String key = userKey(s.tenant(), s.userName());
            throttle.begin(from, key);
            String stamp = (String) tx(ctx, (c, a) -> PracticeUsers.changePassword(c, a, s.userId(), cur, next));
            throttle.succeeded(from, key);
            // Every other session of the user ends; the caller's own, which just proved the
            // current password, goes on with the new stamp.
            sessions.revokeUser(s.tenant(), s.userId(), ctx.header("Authorization"), stamp);
            ctx.status(204);
        }, ApiRole.PRACTICE_WRITE);
        app.put(BASE + "/users/{user}", ctx -> {
            requireAdmin(ctx, "change a user's role");
            JsonNode b = Json.body(ctx);
            Json.only(b, "is_admin");
            if (b.get("is_admin") == null) {
                throw CuspException.invalid("is_admin", "is_admin is required");
            }
            boolean admin = Json.bool(b, "is_admin", false);
            String user = ctx.pathParam("user");
            Json.send(ctx, ended(ctx, tx(ctx, (c, a) -> PracticeUserAdmin.setAdmin(c, a, user, admin))));
        }, ApiRole.PRACTICE_WRITE);
        app.delete(BASE + "/users/{user}", ctx -> {
            requireAdmin(ctx, "delete users");
            String user = ctx.pathParam("user");
            ended(ctx, tx(ctx, (c, a) -> PracticeUserAdmin.delete(c, a, user)));
            ctx.status(204);
        }, ApiRole.PRACTICE_WRITE);
        app.post(BASE + "/users/{user}/lock", ctx -> {
            requireAdmin(ctx, "lock users");
            String user = ctx.pathParam("user");
            Json.send(ctx, ended(ctx, tx(ctx, (c, a) -> PracticeUserAdmin.lock(c, a, user))));
        }, ApiRole.PRACTICE_WRITE);
        app.post(BASE + "/users/{user}/unlock", ctx -> {
            Sessions.Session s = requireAdmin(ctx, "unlock users");
            String user = ctx.pathParam("user");
            String key = userKey(s.tenant(), user);
            boolean throttled = key != null && throttle.forgetUser(key);
            Json.send(ctx, ((PracticeUserAdmin.Account) tx(ctx, (c, a) -> PracticeUserAdmin.unlock(c, a, user,
                    throttled ? "failed logins forgotten at site " + site : null))));
        }, ApiRole.PRACTICE_WRITE);
        app.get(BASE + "/security-log", ctx -> {
            requireAdmin(ctx, "read the security log");
            Json.send(ctx, read(ctx, (c, a) -> securityLog(c, ctx.queryParamMap())));
        }, ApiRole.PRACTICE_READ);
        app.get(BASE + "/{entity}", ctx -> {
            EntitySpec spec = spec(ctx);
            Map<String, String> params = single(ctx);
            Json.send(ctx, read(ctx, (c, a) -> Records.search(c, spec, params)));
        }, ApiRole.PRACTICE_READ);
        app.post(BASE + "/{entity}", ctx -> {
            EntitySpec spec = spec(ctx);
            JsonNode body = Json.body(ctx);
            Json.send(ctx.status(201), tx(ctx, (c, a) -> Records.create(c, a, spec, body)));
        }, ApiRole.PRACTICE_WRITE);
        app.get(BASE + "/{entity}/{id}", ctx -> {
            EntitySpec spec = spec(ctx);
            long id = id(ctx);
            Json.send(ctx, read(ctx, (c, a) -> Records.read(c, spec, id)));
        }, ApiRole.PRACTICE_READ);
        app.put(BASE + "/{entity}/{id}", ctx -> {
            EntitySpec spec = spec(ctx);
            long id = id(ctx);
            JsonNode body = Json.body(ctx);
            Json.send(ctx, tx(ctx, (c, a) -> Records.update(c, a, spec, id, body)));
        }, ApiRole.PRACTICE_WRITE);
        // Deleting one of these could lose what a disconnected peer did with it meanwhile (the
        // rows that point at it): the deletion guard holds these deletes. Registered before
        // {entity}/{id}, so they take their paths.
        for (EntitySpec guarded : List.of(Entities.PATIENTS, Entities.INSURANCE_PLANS, Entities.FEE_SCHEDULES)) {
            app.delete(BASE + "/" + guarded.path() + "/{id}", ctx -> delete(ctx, guarded), ApiRole.PRACTICE_DESTRUCTIVE);
        }
        app.delete(BASE + "/{entity}/{id}", ctx -> delete(ctx, spec(ctx)), ApiRole.PRACTICE_WRITE);
    }

    private void delete(Context ctx, EntitySpec spec) throws SQLException {
        long id = id(ctx);
        tx(ctx, (c, a) -> {
            Records.delete(c, a, spec, id);
            return null;
        });
        ctx.status(204);
    }

    private void login(Context ctx) throws SQLException {
        JsonNode b = Json.body(ctx);
        Json.only(b, "user", "password");
        String user = Json.text(b, "user", true);
        String password = Json.text(b, "password", true);
        if (user.isBlank() || password.isEmpty()) {
            throw CuspException.invalid(user.isBlank() ? "user" : "password", "user and password are required");
        }
        Tenant t = tenant(ctx.pathParam("tenant"));
        String from = clientAddress(ctx);
        String key = userKey(t.name(), user);
        // Before the password is looked at, and the same whether the user exists or not.
        LoginThrottle.Attempt attempt = throttle.begin(from, key);
        PracticeUsers.User u;
        if (!registry.databaseExists(t)) {
            // At once, not after the pool's connection timeout: a login costs a hash anyway.
            throw raced(t, new SQLException("Unknown database '" + t.dbName() + "'", "42000", 1049));
        }
        try (TenantPools.Lease l = pools.lease(t)) {
            u = PracticeUsers.login(l.connection(), site, user, password, from);
        } catch (CuspException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED || e.code() == ErrorCode.INVALID_INPUT) {
                waitsBegin(t, attempt, from, key == null ? null : user);
            }
            throw e;
        } catch (SQLException e) {
            throw raced(t, e);
        }
        throttle.succeeded(from, key);
        String token = sessions.issue(t.name(), u.id(), u.userName(), u.admin(), u.stamp());
        Json.send(ctx, new PracticeToken(token, sessions.ttl().toSeconds(), u.userName(), u.admin()));
    }

    /** A practice login's answer. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PracticeToken(String token, long expiresInSeconds, String user, boolean isAdmin) {
    }

    /**
     * Logs the failure after which an address or a user name must wait between attempts: once
     * per start of a wait, not per refused attempt, so a flood of attempts writes few rows.
     */
    private void waitsBegin(Tenant t, LoginThrottle.Attempt attempt, String from, String user) {
        if (!attempt.addressWaits() && !attempt.userWaits()) {
            return;
        }
        String who = (attempt.addressWaits() ? "address " + from : "")
                + (attempt.addressWaits() && attempt.userWaits() ? " and " : "")
                + (attempt.userWaits() ? "a user name" : "");
        LOG.warn("practice {}: login.max.failures reached for {} (last failure from {}); further attempts wait",
                t.name(), who, from);
        try (TenantPools.Lease l = lease(t)) {
            SecurityLog.write(l.connection(), new Actor(user == null ? "(over-long user name)" : user, site),
                    "login_throttled", "practice_user", null, "further attempts by " + who + " wait");
        } catch (SQLException | RuntimeException e) {
            // A report replica cannot write, and the refusal itself does not depend on this row.
            LOG.info("practice {}: login_throttled row not written: {}", t.name(), e.getMessage());
        }
    }

    /** Ends the sessions of the user a committed change was about. */
    private PracticeUserAdmin.Account ended(Context ctx, Object changed) {
        PracticeUserAdmin.Account a = (PracticeUserAdmin.Account) changed;
        sessions.revokeUser(session(ctx).tenant(), a.id(), null, null);
        return a;
    }

    private Sessions.Session requireAdmin(Context ctx, String what) {
        Sessions.Session s = session(ctx);
        if (!s.admin()) {
            throw new CuspException(ErrorCode.FORBIDDEN, "only a practice administrator can " + what);
        }
        return s;
    }

    /**
     * What a session's user row looks like now, for {@link Sessions}: read through the
     * practice's own pool, as every practice request is.
     */
    private String currentStamp(Sessions.Session s) {
        Tenant t = tenant(s.tenant());
        try (TenantPools.Lease l = lease(t)) {
            return PracticeUsers.stamp(l.connection(), s.userId());
        } catch (SQLException e) {
            raced(t, e);
            throw new CuspException(ErrorCode.UNAVAILABLE, "could not check the session's user against the"
                    + " practice's database; try again", null, e);
        }
    }

    /** The client's address as the throttle counts it: the TCP peer, never a header. */
    static String clientAddress(Context ctx) {
        return LoginThrottle.clientKey(ctx.req().getRemoteAddr());
    }

    /** The throttle's key for a user name of a practice; null for a name no user can have. */
    private static String userKey(String tenant, String user) {
        return user.length() > PracticeUsers.MAX_USER_NAME ? null : tenant + "/" + user;
    }

    /**
     * The caller's session, which must belong to the tenant in the URL. Checked once per request
     * (by the before-handler) and kept on the request for the route itself.
     */
    Sessions.Session session(Context ctx) {
        Sessions.Session checked = ctx.attribute(SESSION);
        return checked != null ? checked : session(ctx, ctx.pathParam("tenant"));
    }

    private Sessions.Session session(Context ctx, String tenant) {
        Sessions.Session s = sessions.require(ctx.header("Authorization"));
        if (s.siteAdmin()) {
            throw new CuspException(ErrorCode.FORBIDDEN, "the site admin cannot read practice data; log in as a"
                    + " practice user of " + tenant);
        }
        if (!s.tenant().equals(tenant)) {
            throw new CuspException(ErrorCode.FORBIDDEN, "this token belongs to another practice");
        }
        ctx.attribute(SESSION, s);
        return s;
    }

    /**
     * Runs a read on an autocommit connection: each statement sees committed data, and a
     * single-row read costs one round trip instead of three (begin, select, commit).
     */
    Object read(Context ctx, Work work) throws SQLException {
        Sessions.Session s = session(ctx);
        Tenant t = tenant(s.tenant());
        try (TenantPools.Lease l = lease(t)) {
            return work.run(l.connection(), new Actor(s.userName(), site));
        } catch (SQLException e) {
            throw raced(t, e);
        }
    }

    Object tx(Context ctx, Work work) throws SQLException {
        Sessions.Session s = session(ctx);
        Tenant t = tenant(s.tenant());
        try (TenantPools.Lease l = lease(t)) {
            Connection c = l.connection();
            // The pool's connections stay in autocommit and the transaction is explicit: START
            // TRANSACTION and COMMIT are two statements, where setAutoCommit(false), commit and
            // HikariCP's reset to autocommit on return were three. Work that commits by itself
            // (a failed password change keeps its failure count) ends the transaction early; the
            // rollback below then has nothing to undo, as before.
            try (Statement st = c.createStatement()) {
                st.execute("START TRANSACTION");
            }
            try {
                Object r = work.run(c, new Actor(s.userName(), site));
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException re) {
                    // HikariCP rolls back only connections it knows to be out of autocommit:
                    // one that may still hold this transaction must not go back to the pool.
                    l.discard();
                    e.addSuppressed(re);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw raced(t, e);
        }
    }

    /**
     * A connection of the practice's pool; when the pool has none open, the database is looked
     * up first (one query on the admin pool), so a practice whose database is missing answers
     * 503 at once instead of after the pool's connection timeout of retries.
     */
    private TenantPools.Lease lease(Tenant t) throws SQLException {
        if (pools.cold(t.name()) && !registry.databaseExists(t)) {
            throw raced(t, new SQLException("Unknown database '" + t.dbName() + "'", "42000", 1049));
        }
        return pools.lease(t);
    }

    /**
     * A request whose database work failed may have raced a suspend or a drop, here or at a
     * peer: the practice's pool is closed then, under any request still running on it. The
     * answer is then what the practice's state says (423, 404, 503), not an internal error.
     */
    private SQLException raced(Tenant t, SQLException e) {
        if (dev.cusp.node.MariaDbErrors.databaseMissing(e) || dev.cusp.node.MariaDbErrors.missingObject(e)) {
            // A restore swapping the tables (RESTORING: 503, from the state read afresh here), or the
            // database gone (dropped by hand): pooled connections still name it (1146), or none can
            // be made (1049). Its pool is closed, so a new one starts clean once it is back.
            cache.remove(t.name());
            tenant(t.name());
            if (!registry.databaseExists(t)) {
                pools.evict(t.name());
                throw new CuspException(ErrorCode.UNAVAILABLE, "practice '" + t.name() + "' cannot reach its"
                        + " database at this site (it is missing or being replaced); try again in a few minutes or at"
                        + " another site of the group, and tell the site administrator if it persists");
            }
        }
        tenant(t.name()); // throws when the practice is no longer active; the cache was cleared with its pool
        return e;
    }

    Tenant tenant(String name) {
        CachedTenant ct = cache.get(name);
        long now = System.nanoTime();
        if (ct == null || now - ct.at() > TENANT_TTL_NANOS) {
            Tenant t = registry.find(name).orElseThrow(() -> CuspException.notFound("no practice named '" + name
                    + "' on this site"));
            ct = new CachedTenant(t, now);
            cache.put(name, ct);
        }
        if (ct.tenant().status() == Tenant.Status.SUSPENDED) {
            throw new CuspException(ErrorCode.LOCKED, "practice '" + name + "' is suspended by the site administrator");
        }
        if (ct.tenant().status() == Tenant.Status.UPDATING) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "practice '" + name + "' is being updated to a new schema"
                    + " version; try again in a few minutes");
        }
        if (ct.tenant().status() == Tenant.Status.RESTORING) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "practice '" + name + "' is being restored to an earlier"
                    + " moment by the site administrator; try again in a few minutes");
        }
        dev.cusp.version.SchemaServing.require(ct.tenant(), schemaLatest);
        if (ct.tenant().status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "practice '" + name + "' is not ready yet");
        }
        return ct.tenant();
    }

    /**
     * The {tenant} of a path {@code /api/v1/t/{tenant}/...}, decoded as Javalin decodes path
     * parameters; null when the path has no part after the tenant (no practice route serves it).
     */
    static String tenantInPath(String path) {
        if (!path.startsWith(TENANT_PREFIX)) {
            return null;
        }
        int end = path.indexOf('/', TENANT_PREFIX.length());
        if (end <= TENANT_PREFIX.length()) {
            return null;
        }
        String t = path.substring(TENANT_PREFIX.length(), end);
        if (t.indexOf('%') < 0) {
            return t;
        }
        try {
            return java.net.URLDecoder.decode(t.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return t; // not decodable: matches no practice, so the token check refuses it
        }
    }

    /**
     * The session the authentication before-handler checked for this request, or null (a login,
     * or a path outside the practices).
     */
    static Sessions.Session checkedSession(Context ctx) {
        return ctx.attribute(SESSION);
    }

    /** The part of a practice path after its tenant, e.g. {@code patients/12}; other paths as they are. */
    static String pathInPractice(String path) {
        int end = path.indexOf('/', TENANT_PREFIX.length());
        return path.startsWith(TENANT_PREFIX) && end > TENANT_PREFIX.length() ? path.substring(end + 1) : path;
    }

    /** True for {@code /api/v1/t/{tenant}/login} (with or without a trailing slash). */
    static boolean isLogin(String path) {
        int end = path.indexOf('/', TENANT_PREFIX.length());
        if (!path.startsWith(TENANT_PREFIX) || end <= TENANT_PREFIX.length()) {
            return false;
        }
        String rest = path.substring(end);
        return rest.equals("/login") || rest.equals("/login/");
    }

    /**
     * The record type of an {@code /{entity}} path. A path another route serves with other
     * methods ({@code GET /users}, {@code GET /login}) is a 405, not an unknown record type.
     */
    private static EntitySpec spec(Context ctx) {
        String e = ctx.pathParam("entity");
        return Entities.byPath(e).orElseThrow(() -> {
            RouteTable.of(ctx).refuseOtherMethod(ctx);
            return CuspException.notFound("no such record type '" + e + "'; the API is described at"
                    + " /api/v1/openapi.json");
        });
    }

    /**
     * The record id of an {@code /{entity}/{id}} path. {@code GET /patients/merge} names the
     * merge route, which only POSTs: a 405, not a bad id.
     */
    private static long id(Context ctx) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            // Only on this failure path: a served id costs no route look-up.
            RouteTable.of(ctx).refuseOtherMethod(ctx);
            throw CuspException.invalid("id", "id must be a positive whole number");
        }
    }

    private static Map<String, String> single(Context ctx) {
        Map<String, String> m = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (v.isEmpty()) {
                // Javalin gives no value when it cannot decode one (q=%ZZ).
                throw CuspException.invalid(k, "search parameter " + k + " has no readable value; check its"
                        + " percent-encoding");
            }
            if (v.size() != 1) {
                throw CuspException.invalid(k, "give search parameter " + k + " once");
            }
            m.put(k, v.get(0));
        });
        return m;
    }

    /** A row of the practice's security log, as the log answers it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SecurityLogEntry(long id, String loggedAt, String userName, String site, String action, String entity,
                            Long entityId, String details) {
    }

    /** The newest security log rows, newest first. */
    record SecurityLogPage(List<SecurityLogEntry> items) {
    }

    private static SecurityLogPage securityLog(Connection c, Map<String, List<String>> q) throws SQLException {
        String entity = q.containsKey("entity") ? q.get("entity").get(0) : null;
        List<SecurityLogEntry> rows = new ArrayList<>();
        try (var ps = c.prepareStatement("SELECT id, logged_at, user_name, site, action, entity, entity_id, details"
                + " FROM security_log" + (entity != null ? " WHERE entity = ?" : "") + " ORDER BY id DESC LIMIT 200")) {
            if (entity != null) {
                ps.setString(1, entity);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new SecurityLogEntry(rs.getLong(1),
                            Records.dateTime(rs.getTimestamp(2).toLocalDateTime(), 3), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getObject(7) instanceof Number n ? n.longValue() : null, rs.getString(8)));
                }
            }
        }
        return new SecurityLogPage(rows);
    }
}
