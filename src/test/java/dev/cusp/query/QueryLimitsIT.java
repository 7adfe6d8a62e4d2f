package dev.cusp.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantService;
import dev.cusp.site.Settings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One practice's heavy reports cannot exhaust the site: answers are capped in bytes while they
 * stream, and the statements a practice runs at once are limited (the excess answered 429 with
 * Retry-After: the practice's own doing, not the site's) while another practice's request is served.
 */
class QueryLimitsIT {
    static final TestSite SITE = TestSite.shared();

    static TestSite.Response query(String tenant, String token, String sql, int maxRows, int timeout) {
        return SITE.call("POST", "/api/v1/t/" + tenant + "/query", token, Map.of("sql", sql, "max_rows", maxRows,
                "timeout_seconds", timeout));
    }

    @Test
    void aHugeResultIsCutAtTheByteLimitWhileItStreams() {
        TenantService.Created p = SITE.newTenant("big");
        String token = SITE.login(p);
        long limit = Settings.defaults().get(Settings.QUERY_MAX_BYTES);
        // The review's statement, twice as wide: 7,000 rows of 2 MB each.
        TestSite.Response r = query(p.tenant().name(), token, "SELECT REPEAT('a', 1000000) AS a, REPEAT('b', 1000000)"
                + " AS b FROM seq_1_to_7000", 10_000, 120);
        assertThat(r.status()).as(r.body().length() > 500 ? r.body().substring(0, 500) : r.body()).isEqualTo(200);
        JsonNode rows = r.json().path("rows");
        assertThat(rows.size()).isGreaterThan(0).isLessThan(7000);
        assertThat(r.json().path("truncated").asBoolean()).isTrue();
        assertThat(r.json().path("message").asText()).contains("query.max.bytes");
        assertThat((long) r.body().length()).isLessThan(limit + 64 * 1024);
        assertThat(rows.get(0).get(0).asText()).startsWith("aaaa").endsWith("... (1000000 bytes)")
                .hasSize(ResultCells.MAX_CELL_CHARS + "... (1000000 bytes)".length());
        // The practice's next statement runs: nothing was left behind on its pool.
        assertThat(query(p.tenant().name(), token, "SELECT 1", 10, 10).status()).isEqualTo(200);
    }

    @Test
    void aPracticesStatementsOverItsLimitAre429WithRetryAfterAndOthersAreServed() throws Exception {
        TenantService.Created busy = SITE.newTenant("busy");
        TenantService.Created other = SITE.newTenant("calm");
        String busyToken = SITE.login(busy);
        String otherToken = SITE.login(other);
        String name = busy.tenant().name();
        TestSite.ClientResult made = SITE.mariadb(busy.tenant().dbUser(), busy.dbPassword(), "USE "
                + busy.tenant().dbName() + "; CREATE TABLE held (id INT); INSERT INTO held VALUES (1)");
        assertThat(made.exit()).as(made.output()).isZero();
        int perTenant = Settings.defaults().get(Settings.QUERY_CONCURRENT_PER_TENANT);

        TenantPools pools = SITE.site.pools();
        List<CompletableFuture<TestSite.Response>> running;
        try (TenantPools.Lease lock = pools.lease(busy.tenant())) {
            lock.discard();
            Connection c = lock.connection();
            try (Statement s = c.createStatement()) {
                // The practice's own lock: its reports wait on it, holding their turns, using no CPU.
                s.execute("LOCK TABLES held WRITE");
                running = java.util.stream.IntStream.range(0, perTenant).mapToObj(i -> CompletableFuture.supplyAsync(
                        () -> query(name, busyToken, "SELECT COUNT(*) FROM held", 10, 120))).toList();
                await().atMost(Duration.ofSeconds(60)).until(() -> waiting(s) == perTenant);

                HttpResponse<String> over = post("/api/v1/t/" + name + "/query", busyToken, "{\"sql\": \"SELECT 1\"}");
                assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
                assertThat(over.headers().firstValue("Retry-After")).hasValue("5");
                JsonNode error = Json.MAPPER.readTree(over.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("TOO_MANY_REQUESTS");
                assertThat(error.path("message").asText()).contains("query.concurrent.per.tenant");

                TestSite.Response served = query(other.tenant().name(), otherToken, "SELECT COUNT(*) FROM patient",
                        10, 30);
                assertThat(served.status()).as(served.body()).isEqualTo(200);
                s.execute("UNLOCK TABLES");
            }
        }
        for (CompletableFuture<TestSite.Response> f : running) {
            TestSite.Response r = f.get();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        assertThat(query(name, busyToken, "SELECT 1", 10, 10).status()).isEqualTo(200);
    }

    /** The practice's statements waiting on the table lock. */
    static int waiting(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE"
                + " 'Waiting for table metadata lock'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static HttpResponse<String> post(String path, String token, String body) throws Exception {
        return SITE.http.send(HttpRequest.newBuilder(URI.create(SITE.url + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }
}
