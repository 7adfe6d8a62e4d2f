package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import org.junit.jupiter.api.Test;

/** A route that an earlier route takes every path of is refused at start-up. */
class RouteTableTest {
    private static final Handler OK = ctx -> ctx.status(204);

    @Test
    void aRouteListedAfterOneThatTakesItsPathsIsRefused() {
        Javalin app = Javalin.create();
        app.get("/api/v1/t/{tenant}/{entity}/{id}", OK, ApiRole.PRACTICE_READ);
        app.get("/api/v1/t/{tenant}/things/{id}", OK, ApiRole.PRACTICE_READ);
        assertThatThrownBy(() -> RouteTable.requireReachable(app)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GET /api/v1/t/{tenant}/things/{id} (taken by /api/v1/t/{tenant}/{entity}/{id})");
    }

    @Test
    void aSpecificRouteBeforeAGeneralOneAndOtherMethodsAreFine() {
        Javalin app = Javalin.create();
        app.delete("/api/v1/t/{tenant}/patients/{id}", OK, ApiRole.PRACTICE_DESTRUCTIVE);
        app.delete("/api/v1/t/{tenant}/{entity}/{id}", OK, ApiRole.PRACTICE_WRITE);
        app.get("/api/v1/t/{tenant}/{entity}/{id}", OK, ApiRole.PRACTICE_READ);
        app.put("/api/v1/t/{tenant}/things/{id}", OK, ApiRole.PRACTICE_WRITE);
        app.post("/api/v1/t/{tenant}/query", OK, ApiRole.PRACTICE_READ);
        app.post("/api/v1/t/{tenant}/{entity}", OK, ApiRole.PRACTICE_WRITE);
        assertThatCode(() -> RouteTable.requireReachable(app)).doesNotThrowAnyException();
    }
}
