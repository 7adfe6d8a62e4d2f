package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.secret.SecretBox;
import dev.cusp.support.TestSite;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Tenant pools are made on first use, log in as the tenant, and close themselves when idle. */
@Tag("slow")
class TenantPoolsIT {

    @Test
    void poolIsLazyUsesTheTenantsOwnUserAndClosesWhenIdle() throws Exception {
        TestSite site = TestSite.shared();
        var a = site.newTenant("poola");
        var b = site.newTenant("poolb");
        SecretBox box = SecretBox.open(site.site.home().masterKey());
        try (TenantPools pools = new TenantPools("127.0.0.1", a.port(), box, 2, Duration.ofSeconds(10))) {
            assertThat(pools.openPools()).isZero();
            try (Connection c = pools.get(a.tenant()).getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT CURRENT_USER(), DATABASE()")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith(a.tenant().dbUser() + "@");
                assertThat(rs.getString(2)).isEqualTo(a.tenant().dbName());
            }
            try (Connection c = pools.get(b.tenant()).getConnection()) {
                assertThat(c.isValid(2)).isTrue();
            }
            assertThat(pools.openPools()).isEqualTo(2);
            assertThat(pools.openConnections()).isGreaterThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pools.openPools() == 0);
            assertThat(pools.openConnections()).isZero();
            try (Connection c = pools.get(a.tenant()).getConnection()) {
                assertThat(c.isValid(2)).as("a closed pool is made again on the next request").isTrue();
            }
        }
    }
}
