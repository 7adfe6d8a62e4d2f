package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import io.javalin.Javalin;
import io.javalin.config.Key;
import io.javalin.http.Context;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.RouteRole;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes the server serves, read from Javalin's router once every route is registered,
 * with the practice routes' {@code {entity}} spelled out for each record type: the list the
 * OpenAPI document is checked against, and what a request for a path served only by other
 * methods is told (405 and an Allow header, not 404 or a 400 about its id).
 *
 * <p>A path is matched as the OpenAPI document and Javalin's registration order match it: a
 * literal segment beats a parameter, so {@code /patients/merge} is the merge route, not the
 * patient with id "merge".
 */
public final class RouteTable {
    static final Key<RouteTable> KEY = new Key<>("cusp.routes");
    private static final String ENTITY = "{entity}";

    /**
     * One method and path template, e.g. {@code GET /api/v1/t/{tenant}/patients/{id}}, and the
     * role its route declares ({@link ApiRole} or {@link PeerAccess}).
     */
    public record Route(String method, String path, RouteRole role) {
    }

    private record Template(Route route, String[] segments, int literals) {
        boolean matches(String[] path) {
            if (path.length != segments.length) {
                return false;
            }
            for (int i = 0; i < path.length; i++) {
                boolean param = segments[i].startsWith("{");
                if (param ? path[i].isEmpty() : !segments[i].equals(path[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private volatile Javalin app;
    private volatile List<Template> templates;

    /** The server whose routes this lists; read at first use, when every route is registered. */
    void bind(Javalin server) {
        this.app = server;
    }

    static RouteTable of(Context ctx) {
        return ctx.appData(KEY);
    }

    /** Every route, sorted by path and method. */
    public List<Route> routes() {
        return templates().stream().map(Template::route).toList();
    }

    /**
     * Marks each operation of an OpenAPI document with the role its route declares, as the
     * extension {@code x-cusp-role} (e.g. {@code PRACTICE_DESTRUCTIVE}, {@code ACTIVE_PEER}): what
     * a report replica, a fenced site or the deletion guard refuses is read from the same place
     * the server enforces it from.
     */
    ObjectNode withRoles(ObjectNode document) {
        JsonNode paths = document.path("paths");
        for (Route r : routes()) {
            if (paths.path(r.path()).get(r.method().toLowerCase(java.util.Locale.ROOT)) instanceof ObjectNode op
                    && r.role() != null) {
                op.put("x-cusp-role", r.role().toString());
            }
        }
        return document;
    }

    /**
     * The methods served at {@code path} by its most specific template(s); empty when no
     * route serves the path at all.
     */
    Set<String> allowed(String path) {
        String[] segs = split(path);
        int best = -1;
        Set<String> methods = new TreeSet<>();
        for (Template t : templates()) {
            if (!t.matches(segs) || t.literals() < best) {
                continue;
            }
            if (t.literals() > best) {
                best = t.literals();
                methods.clear();
            }
            methods.add(t.route().method());
        }
        return methods;
    }

    /**
     * Answers 405 with an Allow header when the request's path is served, but only by other
     * methods; returns quietly otherwise.
     */
    void refuseOtherMethod(Context ctx) {
        CuspException e = wrongMethod(ctx);
        if (e != null) {
            throw e;
        }
    }

    /**
     * The 405 for a request whose path is served only by other methods (its Allow header set
     * on the response), or null.
     */
    CuspException wrongMethod(Context ctx) {
        Set<String> allowed = allowed(ctx.path());
        String method = ctx.method().name();
        if (allowed.isEmpty() || allowed.contains(method)) {
            return null;
        }
        ctx.header("Allow", String.join(", ", allowed));
        return new CuspException(ErrorCode.METHOD_NOT_ALLOWED, method + " is not served at " + ctx.path()
                + "; it takes " + String.join(", ", allowed) + " (see /api/v1/openapi.json)");
    }

    /**
     * Refuses a route no request can reach: one registered after a route of the same method that
     * takes every path it has (Javalin serves the first that matches), e.g. a
     * {@code GET /api/v1/t/{tenant}/things/{id}} listed after the practice routes, whose
     * {@code {entity}/{id}} takes it. Such a route was meant to come first.
     *
     * @throws IllegalStateException naming each such route and the one that takes its paths
     */
    static void requireReachable(Javalin server) {
        List<String> wrong = new ArrayList<>();
        List<ParsedEndpoint> earlier = new ArrayList<>();
        for (ParsedEndpoint p : server.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            if (!p.getEndpoint().getMethod().isHttpMethod()) {
                continue;
            }
            // Every parameter spelled as a value no literal segment has: a route that matches
            // this takes all of the route's paths.
            String sample = p.getEndpoint().getPath().replaceAll("\\{[^}/]+}", "0");
            for (ParsedEndpoint e : earlier) {
                if (e.getEndpoint().getMethod() == p.getEndpoint().getMethod() && e.matches(sample)) {
                    wrong.add(p.getEndpoint().getMethod() + " " + p.getEndpoint().getPath() + " (taken by "
                            + e.getEndpoint().getPath() + ")");
                    break;
                }
            }
            earlier.add(p);
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("routes no request reaches, because a route registered before them takes"
                    + " their paths; register their RouteModule earlier in the site's list: " + String.join("; ", wrong));
        }
    }

    private List<Template> templates() {
        List<Template> t = templates;
        if (t == null) {
            synchronized (this) {
                if (templates == null) {
                    templates = load();
                }
                t = templates;
            }
        }
        return t;
    }

    private List<Template> load() {
        // Keyed by method and path: a route registered for one record type (a guarded delete)
        // comes before the {entity} route that spells out the same path, and Javalin serves the first.
        Map<String, Template> out = new LinkedHashMap<>();
        for (ParsedEndpoint p : app.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            if (!p.getEndpoint().getMethod().isHttpMethod()) {
                continue; // before- and after-handlers
            }
            String method = p.getEndpoint().getMethod().name();
            String path = p.getEndpoint().getPath();
            RouteRole role = RoutePolicy.roleOf(p.getEndpoint());
            if (path.contains(ENTITY)) {
                for (EntitySpec e : Entities.ALL) {
                    String spelled = path.replace(ENTITY, e.path());
                    out.putIfAbsent(method + " " + spelled, template(method, spelled, role));
                }
            } else {
                out.putIfAbsent(method + " " + path, template(method, path, role));
            }
        }
        List<Template> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparing((Template x) -> x.route().path()).thenComparing(x -> x.route().method()));
        return List.copyOf(sorted);
    }

    private static Template template(String method, String path, RouteRole role) {
        String[] segs = split(path);
        int literals = 0;
        for (String s : segs) {
            literals += s.startsWith("{") ? 0 : 1;
        }
        return new Template(new Route(method, path, role), segs, literals);
    }

    /** Path segments; a trailing slash is ignored, as Javalin ignores it. */
    private static String[] split(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.split("/", -1);
    }
}
