package dev.cusp.api;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.tls.TlsContexts;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;

/**
 * Which sites may call a peer route ({@code /api/v1/peer/...}): the roles and membership states
 * of the calling site. Every peer route declares one of these where it is registered (as a
 * Javalin route role), and {@link #install} enforces it, in this one place, before the handler
 * runs. A peer route that declares none is refused to everyone: a new route is closed until
 * someone says who may call it.
 *
 * <p>The caller is the site whose CA signed the client certificate (mutual TLS), unless that
 * site's revocation list names the certificate ({@code tls.PeerRevocations}). A site that is
 * still joining is answered only by the site that admitted it, and only while it presents the
 * certificate it presented with its one-time secret (the join's pin, see {@code Admission}).
 */
public enum PeerAccess implements RouteRole {
    /** No certificate needed: public facts, or the handler authenticates (a join's secret). */
    OPEN(Set.of(), Set.of()),
    /** Writable peers in the group: orders that change another site (re-seed, removal, tenant claims, updates). */
    ACTIVE_PEER(Set.of(Member.PEER), Set.of(Member.ACTIVE)),
    /** Any active site, report replicas included: reads, links, checks a replica may start. */
    ACTIVE_MEMBER(Set.of(Member.PEER, Member.REPLICA), Set.of(Member.ACTIVE)),
    /** Also a site in the middle of its join (seed, completion, giving up), at the site that admitted it. */
    JOINING_OR_ACTIVE(Set.of(Member.PEER, Member.REPLICA), Set.of(Member.JOINING, Member.ACTIVE));

    static final String BASE = "/api/v1/peer";
    /** The request attribute holding the calling {@link Member} once access is granted. */
    static final String CALLER = "cusp.peer";

    private final Set<String> roles;
    private final Set<String> states;

    PeerAccess(Set<String> roles, Set<String> states) {
        this.roles = roles;
        this.states = states;
    }

    /**
     * Checks every matched peer route against its declaration. Runs after routing (Javalin's
     * before-matched stage), so it knows the route's declared access and refuses an undeclared one.
     */
    static void install(Javalin app, Group group) {
        app.beforeMatched(ctx -> {
            if (Before.covers(BASE, ctx.path())) {
                check(ctx, group);
            }
        });
    }

    private static void check(Context ctx, Group group) {
        PeerAccess access = ctx.routeRoles().stream().filter(PeerAccess.class::isInstance).map(PeerAccess.class::cast)
                .findFirst().orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN, "peer route " + ctx.path()
                        + " declares no peer access; it answers no one"));
        if (access == OPEN) {
            return;
        }
        X509Certificate leaf = clientCertificate(ctx).orElseThrow(() -> new CuspException(
                ErrorCode.UNAUTHENTICATED, "peer routes need the calling site's client certificate (mutual TLS)"));
        Optional<String> revoked = group.trust().revocation(leaf);
        if (revoked.isPresent()) {
            // Closed after this answer: a connection made with a revoked certificate is not reused.
            ctx.header("Connection", "close");
            throw new CuspException(ErrorCode.FORBIDDEN, revoked.get() + "; it reaches no peer route");
        }
        Optional<String> unchecked = group.trust().unchecked(leaf);
        if (unchecked.isPresent()) {
            // Unknown is not clean: a stolen certificate must not pass because its site's list
            // could not be read (the revoking site down). The caller may try again (503).
            throw new CuspException(ErrorCode.UNAVAILABLE, unchecked.get());
        }
        String site = group.trust().siteOf(leaf).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN,
                "the client certificate is not from a site of this replication group"));
        Member m = group.member(site).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN, "site " + site
                + " is not in this replication group"));
        if (!access.roles.contains(m.role())) {
            throw new CuspException(ErrorCode.FORBIDDEN, "site " + site + " is a " + m.role() + "; " + ctx.method()
                    + " " + ctx.path() + " answers " + String.join(" or ", access.roles.stream().sorted().toList())
                    + " sites only");
        }
        if (!access.states.contains(m.state())) {
            throw new CuspException(ErrorCode.FORBIDDEN, "site " + site + " is " + m.state() + "; " + ctx.method()
                    + " " + ctx.path() + " answers " + String.join(" or ", access.states.stream().sorted().toList())
                    + " sites only");
        }
        if (Member.JOINING.equals(m.state()) && !group.joinPinned(site, TlsContexts.fingerprint(leaf))) {
            throw new CuspException(ErrorCode.FORBIDDEN, "site " + site + " is still joining, and this site did not"
                    + " admit it with this certificate; until it is active only the site that admitted it answers,"
                    + " and only to the certificate it joined with");
        }
        ctx.attribute(CALLER, m);
        group.incarnations().heard(m.name(), ctx.header(dev.cusp.group.Incarnations.HEADER), ctx.req().getRemoteAddr());
    }

    /** The client certificate of this request's TLS connection, if the client presented one. */
    static Optional<X509Certificate> clientCertificate(Context ctx) {
        Object certs = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        if (certs instanceof X509Certificate[] chain && chain.length > 0) {
            return Optional.of(chain[0]);
        }
        return Optional.empty();
    }
}
