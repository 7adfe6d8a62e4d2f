package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A practice whose database is gone (dropped by hand, or swapped out by a restore) answers its
 * users 503 with the error JSON, never a 500: at login, whether the practice's connection pool
 * was in use (its connections sit in the dropped database) or not yet, and with a token from
 * before.
 */
class MissingDatabaseIT {

    @Test
    void aLoginAndARequestToAPracticeWhoseDatabaseIsGoneAnswer503() throws Exception {
        TestSite site = TestSite.shared();
        TenantService.Created warm = site.newTenant("nodbwarm");
        String token = site.login(warm);
        drop(site, warm.tenant().dbName());
        assertUnavailable(site.callUnchecked("GET", "/api/v1/t/" + warm.tenant().name() + "/patients", token, null),
                warm);
        assertUnavailable(login(site, warm), warm);

        TenantService.Created cold = site.newTenant("nodbcold");
        site.site.pools().evict(cold.tenant().name());
        drop(site, cold.tenant().dbName());
        assertUnavailable(login(site, cold), cold);
        // Asked again: the same answer (no pool or cache left in a state that answers otherwise).
        assertUnavailable(login(site, cold), cold);
    }

    @Test
    void aRequestWithATokenToAColdPracticeWhoseDatabaseIsGoneAnswers503WithoutOpeningAPool() throws Exception {
        TestSite site = TestSite.shared();
        TenantService.Created t = site.newTenant("nodbtok");
        String token = site.login(t);
        // Cold: no connection open (the pool closed when idle), and the database gone meanwhile.
        site.site.pools().evict(t.tenant().name());
        drop(site, t.tenant().dbName());
        long opened = site.site.pools().opened(t.tenant().name());
        assertUnavailable(site.callUnchecked("GET", "/api/v1/t/" + t.tenant().name() + "/patients", token, null), t);
        // Answered from the database's absence: no pool was opened to wait out its connection timeout.
        assertThat(site.site.pools().opened(t.tenant().name())).isEqualTo(opened);
    }

    private static TestSite.Response login(TestSite site, TenantService.Created t) {
        return site.callUnchecked("POST", "/api/v1/t/" + t.tenant().name() + "/login", null,
                Map.of("user", t.adminUser(), "password", t.adminPassword()));
    }

    private static void assertUnavailable(TestSite.Response r, TenantService.Created t) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(r.json().at("/error/message").asText()).contains(t.tenant().name()).contains("database")
                .doesNotContain("internal error");
    }

    /** Drops the practice's database behind Cusp's back, as an operator might by hand. */
    private static void drop(TestSite site, String db) throws Exception {
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE `" + db + "`");
        }
    }
}
