package dev.cusp.api;

import io.javalin.Javalin;
import io.javalin.http.Handler;

/**
 * Before-handlers for a part of the API. Javalin tests a before-handler's path pattern with a
 * regular expression on every request, before every route; nine such patterns cost about a
 * tenth of a practice read's CPU. A handler registered for every path ({@code "*"}, which
 * Javalin does not match at all) with this prefix test costs a string comparison.
 *
 * <p>The test covers at least what Javalin's {@code base} and {@code base/*} patterns match
 * (it tests the same string, {@code ctx.path()}, case-sensitively, trailing slash included), so
 * a check registered here runs on every request the routes under {@code base} can serve.
 */
final class Before {
    private Before() {
    }

    /** Runs {@code handler} before every request for {@code base} or a path under it. */
    static void under(Javalin app, String base, Handler handler) {
        app.before(ctx -> {
            if (covers(base, ctx.path())) {
                handler.handle(ctx);
            }
        });
    }

    /** True for {@code base} itself and every path below it ({@code base/...}). */
    static boolean covers(String base, String path) {
        return path.startsWith(base) && (path.length() == base.length() || path.charAt(base.length()) == '/');
    }
}
