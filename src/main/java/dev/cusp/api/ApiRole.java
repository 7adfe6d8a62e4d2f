package dev.cusp.api;

import io.javalin.security.RouteRole;

/**
 * What an admin, practice or public route is, declared where the route is registered. The
 * write policy (a report replica's refusal, the fence of a site whose replication broke, the
 * deletion guard, the refusal while a fresh copy replaces the data) is applied from this
 * declaration in one place, {@link RoutePolicy}, before the handler runs; no path pattern says
 * which route is which. Peer routes declare a {@link PeerAccess} instead.
 *
 * <p>A new route passes exactly one role as the last argument of Javalin's registration:
 * <pre>{@code
 * app.get(BASE + "/documents/{id}", this::read, ApiRole.PRACTICE_READ);
 * app.post(BASE + "/documents", this::create, ApiRole.PRACTICE_WRITE);
 * app.delete(BASE + "/documents/{id}", this::delete, ApiRole.PRACTICE_DESTRUCTIVE);
 * app.post("/api/v1/admin/tenants/{name}/restore", this::restore, ApiRole.ADMIN_WRITE);
 * }</pre>
 * from a class implementing {@link RouteModule}, added with one line to the list of parts the site
 * wires into its {@link ApiServer.Wiring} ({@code Site.doStart}). A part with routes under
 * {@code /api/v1/t/{tenant}} goes before {@code practice} in that list, whose {@code {entity}} routes
 * would otherwise take its paths. A route with no role, or with two, or that an earlier route
 * takes every path of, stops the server from starting ({@link RoutePolicy#requireRoles},
 * {@link RouteTable#requireReachable}); a route added later without a role answers no one.
 *
 * <p>Who the caller is stays with the part of the API the path is in: {@code /api/v1/t/{tenant}}
 * needs a session of that practice (except its login), {@code /api/v1/admin} the site admin's
 * token (except its login), {@code /api/v1/peer} a member site's certificate. Those checks run
 * first, on every path under the part, routed or not, so an unknown path is a 401 too.
 */
public enum ApiRole implements RouteRole {
    /** No token and no policy: health, the API document, metrics, the revocation list. */
    PUBLIC(false, null, false, false),
    /** The site admin's login: no token needed. */
    ADMIN_LOGIN(false, null, false, false),
    /** The site admin reads. */
    ADMIN_READ(false, null, false, false),
    /**
     * The site admin changes a practice's registration or databases (create, suspend, drop,
     * backup, schema update, sample data): refused at a report replica, which gets those from its
     * upstream peer.
     */
    ADMIN_WRITE(false, "manage tenants", false, false),
    /**
     * The site admin starts something a report replica serves too, because it changes no replicated
     * data here: a read sent as POST (the query window, maintenance checks), a job, a group
     * operation that checks its own preconditions, or work it asks a peer to do. Nor is it fenced:
     * a handler that must not run at a replica or a fenced site says so itself (conflict restore).
     */
    ADMIN_AT_REPLICA(false, null, false, false),
    /**
     * A practice user's login or logout: no token needed to log in; served at a report replica and
     * at a fenced site, since a session writes no practice data.
     */
    PRACTICE_LOGIN(true, null, false, false),
    /**
     * A practice user reads (a GET, or a POST that only reads, such as the query window, whose
     * scratch tables live and die with its session): served at a replica and at a fenced site.
     */
    PRACTICE_READ(true, null, false, false),
    /** A practice user changes records: refused at a report replica and while the site is fenced. */
    PRACTICE_WRITE(true, "write", true, false),
    /**
     * A change that cannot be undone by a later write and could lose a disconnected peer's changes
     * made meanwhile (a delete, a merge): as {@link #PRACTICE_WRITE}, and it also waits while a
     * writable peer is disconnected (the deletion guard), unless the site admin overrides the guard;
     * each override is written to the practice's security log.
     */
    PRACTICE_DESTRUCTIVE(true, "write", true, true);

    /** Refused while this site's data is being replaced by a fresh copy (join, re-seed). */
    final boolean practiceData;
    /** What a report replica says it refuses ("write", "manage tenants"); null: served at a replica. */
    final String refusedAtReplica;
    /** Refused while the site is fenced (a broken link: its data may be wrong). */
    final boolean fenced;
    /** Waits while a writable peer is disconnected (the deletion guard). */
    final boolean guarded;

    ApiRole(boolean practiceData, String refusedAtReplica, boolean fenced, boolean guarded) {
        this.practiceData = practiceData;
        this.refusedAtReplica = refusedAtReplica;
        this.fenced = fenced;
        this.guarded = guarded;
    }

    /** True for a route that changes replicated data, and so is refused at a report replica. */
    public boolean writes() {
        return refusedAtReplica != null;
    }
}
