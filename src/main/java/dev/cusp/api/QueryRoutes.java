package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Actor;
import dev.cusp.query.QueryLimits;
import dev.cusp.query.QueryWindow;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The query window over HTTP: {@code POST /api/v1/t/{tenant}/query} for a practice administrator
 * and {@code POST /api/v1/admin/tenants/{name}/query} for the site admin (the CLI), a break-glass
 * action with a required {@code reason}. Both run the same {@link QueryWindow}, as the practice's
 * own database user. Practice administrators only: the window reads every table (but never a
 * password hash), including the security log, which the rest of the API keeps from other
 * practice users.
 */
public final class QueryRoutes implements RouteModule, AutoCloseable {
    static final int MAX_REASON = 500;
    private final TenantRegistry registry;
    private final Sessions sessions;
    private final QueryWindow window;
    private final String site;

    public QueryRoutes(TenantRegistry registry, Sessions sessions, QueryWindow window, String site) {
        this.registry = registry;
        this.sessions = sessions;
        this.window = window;
        this.site = site;
    }

    /** Registered before the practice routes: their {@code /{entity}} would otherwise take /query. */
    @Override
    public void register(Javalin app) {
        app.post("/api/v1/t/{tenant}/query", ctx -> {
            Sessions.Session s = sessions.require(ctx.header("Authorization"));
            String tenant = ctx.pathParam("tenant");
            if (s.siteAdmin()) {
                throw new CuspException(ErrorCode.FORBIDDEN, "the site admin uses POST /api/v1/admin/tenants/"
                        + tenant + "/query (cusp query)");
            }
            if (!s.tenant().equals(tenant)) {
                throw new CuspException(ErrorCode.FORBIDDEN, "this token belongs to another practice");
            }
            if (!s.admin()) {
                throw new CuspException(ErrorCode.FORBIDDEN, "only a practice administrator can use the query window");
            }
            JsonNode b = Json.body(ctx);
            Json.only(b, "sql", "max_rows", "timeout_seconds");
            run(ctx, b, tenant, new Actor(s.userName(), site), null);
        }, ApiRole.PRACTICE_READ);
        // The admin before-handler (AdminRoutes) has already required the site admin's token.
        // The site admin does not read practice data in the normal course: this is break-glass,
        // with a stated reason that goes to the practice's security log and the site log.
        app.post("/api/v1/admin/tenants/{name}/query", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "sql", "max_rows", "timeout_seconds", "reason");
            run(ctx, b, ctx.pathParam("name"), new Actor("site-admin", site), reason(b));
        }, ApiRole.ADMIN_AT_REPLICA);
    }

    private void run(Context ctx, JsonNode b, String name, Actor actor, String reason) throws Exception {
        String sql = Json.text(b, "sql", true);
        Integer maxRows = integer(b, "max_rows");
        Integer timeout = integer(b, "timeout_seconds");
        Tenant t = tenant(name);
        try {
            ctx.json(window.run(t, actor, reason, sessionKey(ctx.header("Authorization")), sql, maxRows, timeout));
        } catch (QueryLimits.Busy e) {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            throw e;
        }
    }

    /** Why the site admin reads a practice's data: required, one line, at most {@value #MAX_REASON} characters. */
    private static String reason(JsonNode b) {
        String r = Json.text(b, "reason", false);
        if (r == null || r.isBlank()) {
            throw CuspException.invalid("reason", "reason is required: the site admin reads a practice's data only"
                    + " as a logged break-glass action; say why (cusp query TENANT SQL --reason TEXT)");
        }
        if (r.length() > MAX_REASON) {
            throw CuspException.invalid("reason", "reason is longer than " + MAX_REASON + " characters");
        }
        return r.strip();
    }

    /** Ends the open query sessions (their scratch tables go with them). */
    @Override
    public void close() {
        window.close();
    }

    private Tenant tenant(String name) {
        Tenant t = registry.find(name).orElseThrow(() -> CuspException.notFound("no practice named '" + name
                + "' on this site"));
        if (t.status() == Tenant.Status.SUSPENDED) {
            throw new CuspException(ErrorCode.LOCKED, "practice '" + name + "' is suspended by the site administrator");
        }
        if (t.status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "practice '" + name + "' is not ready yet");
        }
        return t;
    }

    private static Integer integer(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw CuspException.invalid(field, field + " must be a whole number");
        }
        return v.asInt();
    }

    /** The caller's query session: a digest of its token, so the raw token is not kept twice. */
    private static String sessionKey(String authorization) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(authorization).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
