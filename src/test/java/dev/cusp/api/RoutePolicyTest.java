package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import org.junit.jupiter.api.Test;

/** A server whose routes do not each declare one role does not start. */
class RoutePolicyTest {
    private static final Handler OK = ctx -> ctx.status(204);

    @Test
    void aRouteWithoutARoleIsRefusedAtStartUp() {
        Javalin app = Javalin.create();
        app.get("/api/v1/t/{tenant}/things", OK, ApiRole.PRACTICE_READ);
        app.delete("/api/v1/t/{tenant}/things/{id}", OK);
        assertThatThrownBy(() -> RoutePolicy.requireRoles(app)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DELETE /api/v1/t/{tenant}/things/{id} declares []")
                .hasMessageNotContaining("GET");
    }

    @Test
    void twoRolesOrAPeerRouteWithoutPeerAccessAreRefused() {
        Javalin app = Javalin.create();
        app.post("/api/v1/t/{tenant}/things", OK, ApiRole.PRACTICE_READ, ApiRole.PRACTICE_WRITE);
        app.post("/api/v1/peer/things", OK, ApiRole.PUBLIC);
        app.get("/api/v1/admin/things", OK, PeerAccess.ACTIVE_PEER);
        assertThatThrownBy(() -> RoutePolicy.requireRoles(app)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POST /api/v1/t/{tenant}/things").hasMessageContaining("POST /api/v1/peer/things")
                .hasMessageContaining("GET /api/v1/admin/things");
    }

    @Test
    void oneRoleEachStarts() {
        Javalin app = Javalin.create();
        app.get("/api/v1/health", OK, ApiRole.PUBLIC);
        app.delete("/api/v1/t/{tenant}/things/{id}", OK, ApiRole.PRACTICE_DESTRUCTIVE);
        app.get("/api/v1/peer/things", OK, PeerAccess.ACTIVE_MEMBER);
        app.before(ctx -> { });
        assertThatCode(() -> RoutePolicy.requireRoles(app)).doesNotThrowAnyException();
    }
}
