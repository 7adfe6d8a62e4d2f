package dev.cusp.api;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The write policy, applied in this one place from the {@link ApiRole} the matched route
 * declares: refused while a fresh copy replaces this site's data, refused at a report replica,
 * refused while the site is fenced, and held by the deletion guard while a writable peer is
 * disconnected. Runs after routing (Javalin's before-matched stage), after the caller has been
 * authenticated, and before the handler.
 */
public final class RoutePolicy {
    private final Group group;
    private final TenantRegistry registry;
    private final TenantPools pools;

    /**
     * @param registry and {@code pools}: where an overridden deletion guard writes its row to
     *                 the practice's security log
     */
    public RoutePolicy(Group group, TenantRegistry registry, TenantPools pools) {
        this.group = group;
        this.registry = registry;
        this.pools = pools;
    }

    void install(Javalin app) {
        app.beforeMatched(this::apply);
    }

    private void apply(Context ctx) throws SQLException {
        ApiRole role = null;
        for (RouteRole r : ctx.routeRoles()) {
            if (r instanceof ApiRole a) {
                role = a;
            } else if (r instanceof PeerAccess) {
                return; // PeerAccess checks the calling site
            }
        }
        if (role == null) {
            // Closed until someone says what it is (start-up refuses such a route; this covers one added later).
            throw new CuspException(ErrorCode.FORBIDDEN, ctx.method() + " " + ctx.path()
                    + " declares no role; it answers no one");
        }
        if (role.practiceData && group.seeding()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "this site's data is being replaced by a fresh copy"
                    + " (join or re-seed); try again in a minute, or use another site of the group");
        }
        if (role.refusedAtReplica != null) {
            group.requireWritable(role.refusedAtReplica);
        }
        if (role.fenced) {
            Optional<String> fence = group.monitor().fenced();
            if (fence.isPresent()) {
                throw new CuspException(ErrorCode.UNAVAILABLE, fence.get());
            }
        }
        if (role.guarded) {
            deletionGuard(ctx);
        }
    }

    /**
     * Merges, combines and deletes wait while a writable peer is disconnected; under a site
     * admin's override they go on, and each one is written to the practice's security log.
     */
    private void deletionGuard(Context ctx) throws SQLException {
        Optional<String> why = group.monitor().deletionGuard();
        if (why.isEmpty()) {
            return;
        }
        Optional<String> override = group.monitor().overrideReason();
        if (override.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, why.get());
        }
        Sessions.Session s = PracticeRoutes.checkedSession(ctx);
        String tenant = s != null ? s.tenant() : PracticeRoutes.tenantInPath(ctx.path());
        Optional<Tenant> t = tenant == null ? Optional.empty() : registry.find(tenant);
        if (t.isPresent()) {
            try (TenantPools.Lease l = pools.lease(t.get())) {
                SecurityLog.write(l.connection(), new Actor(s == null ? "?" : s.userName(), group.siteName()),
                        "deletion_guard_override", PracticeRoutes.pathInPractice(ctx.path()), null,
                        why.get().split(";")[0] + "; override by the site admin: " + override.get());
            }
        }
    }

    /**
     * Refuses a server whose routes do not each declare exactly one role: an {@link ApiRole}, or
     * a {@link PeerAccess} for a route under {@code /api/v1/peer} (and only there).
     *
     * @throws IllegalStateException naming every route that does not
     */
    static void requireRoles(Javalin app) {
        List<String> wrong = new ArrayList<>();
        for (ParsedEndpoint p : app.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            Endpoint e = p.getEndpoint();
            if (!e.getMethod().isHttpMethod()) {
                continue; // before- and after-handlers
            }
            Set<RouteRole> roles = roles(e);
            long api = roles.stream().filter(ApiRole.class::isInstance).count();
            long peer = roles.stream().filter(PeerAccess.class::isInstance).count();
            boolean peerPath = Before.covers(PeerAccess.BASE, e.getPath());
            if (roles.size() != 1 || (peerPath ? peer != 1 : api != 1)) {
                wrong.add(e.getMethod() + " " + e.getPath() + " declares " + roles);
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("every route declares exactly one role (an ApiRole, or a PeerAccess under "
                    + PeerAccess.BASE + "); these do not: " + String.join("; ", wrong));
        }
    }

    /** The role a registered route declares (its ApiRole or PeerAccess), or null. */
    static RouteRole roleOf(Endpoint e) {
        Set<RouteRole> roles = roles(e);
        return roles.size() == 1 ? roles.iterator().next() : null;
    }

    /** The roles a route was registered with (Javalin keeps them as the endpoint's Roles metadata). */
    private static Set<RouteRole> roles(Endpoint e) {
        Roles r = e.metadata(Roles.class);
        return r == null ? Set.of() : r.getRoles();
    }
}
