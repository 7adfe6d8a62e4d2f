package dev.cusp.group;

import dev.cusp.api.ApiRole;
import dev.cusp.api.RouteModule;
import io.javalin.Javalin;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A part of the API that exists only in the tests: a destructive practice route, declared as
 * any new one is (its role, nothing else), to prove the deletion guard holds a route nobody told
 * the guard about. It remembers what it was asked to shred; it touches no data.
 */
final class ShredRoutes implements RouteModule {
    static final String PATH = "/api/v1/t/{tenant}/test-only/shreds/{id}";
    private final List<String> shredded = new CopyOnWriteArrayList<>();

    @Override
    public void register(Javalin app) {
        // Two segments after the tenant: registered after the site's own routes, so it must take
        // a path that {entity}/{id} does not.
        app.delete(PATH, ctx -> {
            shredded.add(ctx.pathParam("id"));
            ctx.status(204);
        }, ApiRole.PRACTICE_DESTRUCTIVE);
    }

    /** The ids the route has shredded (the requests that reached its handler). */
    List<String> shredded() {
        return List.copyOf(shredded);
    }

    static String path(String tenant, long id) {
        return PATH.replace("{tenant}", tenant).replace("{id}", Long.toString(id));
    }
}
