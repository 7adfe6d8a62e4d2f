package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.secret.SecretBox;
import dev.cusp.support.TestSite;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        try (TenantPools pools = new TenantPools(jdbc(site, a), box, 2, Duration.ofSeconds(10))) {
            assertThat(pools.openPools()).isZero();
            try (TenantPools.Lease l = pools.lease(a.tenant());
                 ResultSet rs = l.connection().createStatement().executeQuery("SELECT CURRENT_USER(), DATABASE()")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith(a.tenant().dbUser() + "@");
                assertThat(rs.getString(2)).isEqualTo(a.tenant().dbName());
            }
            try (TenantPools.Lease l = pools.lease(b.tenant())) {
                assertThat(l.connection().isValid(2)).isTrue();
            }
            assertThat(pools.openPools()).isEqualTo(2);
            assertThat(pools.openConnections()).isGreaterThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pools.openPools() == 0);
            assertThat(pools.openConnections()).isZero();
            try (TenantPools.Lease l = pools.lease(a.tenant())) {
                assertThat(l.connection().isValid(2)).as("a closed pool is made again on the next request").isTrue();
            }
        }
    }

    @Test
    void callersBeyondPoolMaxWaitInLineForATurn() throws Exception {
        TestSite site = TestSite.shared();
        var a = site.newTenant("poolc");
        SecretBox box = SecretBox.open(site.site.home().masterKey());
        try (TenantPools pools = new TenantPools(jdbc(site, a), box, 2, Duration.ofSeconds(10))) {
            TenantPools.Lease first = pools.lease(a.tenant());
            TenantPools.Lease second = pools.lease(a.tenant());
            CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> {
                try (TenantPools.Lease l = pools.lease(a.tenant())) {
                    return l.connection().isValid(2);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(third).as("both connections are leased: the third caller waits").isNotDone();
            first.close();
            first.close(); // a second close gives nothing back twice
            assertThat(third.get(30, TimeUnit.SECONDS)).isTrue();
            second.close();
            assertThat(pools.openConnections()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aDiscardedConnectionIsClosedNotReturnedAndItsTurnComesBack() throws Exception {
        TestSite site = TestSite.shared();
        var a = site.newTenant("poold");
        SecretBox box = SecretBox.open(site.site.home().masterKey());
        try (TenantPools pools = new TenantPools(jdbc(site, a), box, 1, Duration.ofSeconds(30))) {
            long first;
            try (TenantPools.Lease l = pools.lease(a.tenant())) {
                first = connectionId(l);
                // As after a failed rollback: the connection may still hold a transaction.
                l.connection().createStatement().execute("START TRANSACTION");
                l.discard();
            }
            // pool.max is 1: this lease only succeeds if the discarded one gave its turn back.
            try (TenantPools.Lease l = pools.lease(a.tenant());
                 ResultSet rs = l.connection().createStatement().executeQuery("SELECT @@in_transaction")) {
                assertThat(connectionId(l)).as("a new connection, not the discarded one").isNotEqualTo(first);
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    private static long connectionId(TenantPools.Lease l) throws SQLException {
        try (ResultSet rs = l.connection().createStatement().executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How the site itself reaches a practice's account: TLS, the site's CA. */
    private static PracticeJdbc jdbc(TestSite site, dev.cusp.tenant.TenantService.Created t) {
        return new PracticeJdbc("127.0.0.1", t.port(), site.site.home().tls().caCert());
    }
}
