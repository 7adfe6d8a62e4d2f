package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cusp.error.CuspException;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code tenant suspend} at one site ends the practice's own connections at every site: its
 * program connected straight to another site's node (the real {@code mariadb} client, with the
 * practice's password) is killed there, not only refused its next login by the replicated lock.
 */
class GroupSuspendCutIT {
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] s = GroupSites.twoPeers("gsusp");
        a = s[0];
        b = s[1];
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(b, a);
    }

    static long sessions(TestSite s, TenantService.Created t) throws Exception {
        return GroupSites.count(s, "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '"
                + t.tenant().dbUser() + "'");
    }

    @Test
    void aSuspendAtOneSiteKillsThePracticesConnectionAtAnotherAndResumeLetsItBackIn() throws Exception {
        TenantService.Created t = a.newTenant("gsc");
        awaitConverged(a, b);
        Process open = sessionAtB(t);

        TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/suspend", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        // The answer says b confirmed its cut (asked at once, not left to b's own watch).
        assertThat(r.json().at("/sessions_cut/confirmed/0").asText()).as(r.body()).isEqualTo("b");
        assertThat(r.json().at("/sessions_cut/not_confirmed").size()).as(r.body()).isZero();
        // The suspend answers once b has cut it: the connection at b is gone, a new one refused.
        await().atMost(Duration.ofSeconds(30)).until(() -> !open.isAlive());
        String cut = new String(open.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(open.exitValue()).as(cut).isNotZero();
        assertThat(sessions(b, t)).isZero();
        TestSite.ClientResult refused = GroupRestoreHoldIT.run(b, t, "SELECT 1");
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("locked");

        TestSite.Response resumed = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/resume", null);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> GroupRestoreHoldIT.run(b, t, "SELECT 1").exit() == 0);
    }

    @Test
    void aPeerCannotCutAPracticeThatIsNotSuspended() throws Exception {
        TenantService.Created t = a.newTenant("gsn");
        awaitConverged(a, b);
        Process open = sessionAtB(t);
        try {
            // What the peer route runs at b for a site that claims a suspend b has not seen.
            assertThatThrownBy(() -> b.site.restorer().cutSuspended(t.tenant().name(), "a", ""))
                    .isInstanceOf(CuspException.class).hasMessageContaining("not suspended");
            assertThat(open.isAlive()).isTrue();
            assertThat(sessions(b, t)).isEqualTo(1);
            assertThat(GroupRestoreHoldIT.run(b, t, "SELECT 1").exit()).isZero();
        } finally {
            open.destroy();
        }
    }

    @Test
    void aSuspendWhosePeerCallIsLostStillKillsThePracticesConnectionAtAnother() throws Exception {
        TenantService.Created t = a.newTenant("gsl");
        awaitConverged(a, b);
        Process open = sessionAtB(t);
        try {
            // The call that asks b to cut at once never leaves a (as if lost on the network): the
            // replicated suspend reaching b is all b gets.
            a.site.tenants().afterSuspend(name -> dev.cusp.tenant.SessionCuts.NONE);
            try {
                TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/suspend", null);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            } finally {
                a.site.tenants().afterSuspend(a.site.restorer()::cutSuspendedElsewhere);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !open.isAlive());
            assertThat(open.exitValue()).isNotZero();
            assertThat(sessions(b, t)).isZero();
        } finally {
            open.destroy();
        }
    }

    @Test
    void aSuspendReportsASiteThatDidNotConfirmInTimeAndThatSiteCutsByItself() throws Exception {
        TenantService.Created t = a.newTenant("gsr");
        awaitConverged(a, b);
        Process open = sessionAtB(t);
        try {
            // b's link lags (its applier held): the suspend does not reach b before a's deadline.
            applier(b, "STOP");
            TestSite.Response r;
            try {
                r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/suspend", null);
            } finally {
                applier(b, "START");
            }
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().at("/sessions_cut/confirmed").size()).as(r.body()).isZero();
            assertThat(r.json().at("/sessions_cut/not_confirmed/0").asText()).as(r.body()).isEqualTo("b");
            // Once the suspend arrives, b cuts the practice by itself.
            await().atMost(Duration.ofSeconds(60)).until(() -> !open.isAlive());
            assertThat(sessions(b, t)).isZero();
        } finally {
            open.destroy();
        }
    }

    private static void applier(TestSite s, String verb) throws Exception {
        try (java.sql.Connection c = s.site.node().adminConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(verb + " SLAVE 'a' SQL_THREAD");
        }
    }

    @Test
    void aDropAtOneSiteKillsThePracticesConnectionAtAnother() throws Exception {
        TenantService.Created t = a.newTenant("gsd");
        awaitConverged(a, b);
        Process open = sessionAtB(t);
        try {
            TestSite.Response r = admin(a, "DELETE", "/api/v1/admin/tenants/" + t.tenant().name()
                    + "?confirm=yes&backup=false", null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> !open.isAlive());
            assertThat(open.exitValue()).isNotZero();
            assertThat(sessions(b, t)).isZero();
            assertThat(GroupRestoreHoldIT.run(b, t, "SELECT 1").exit()).isNotZero();
        } finally {
            open.destroy();
        }
    }

    /** The real {@code mariadb} client logged in as {@code t}'s account at b, holding a session open. */
    static Process sessionAtB(TenantService.Created t) throws Exception {
        Process open = GroupRestoreHoldIT.client(b, t, "SELECT SLEEP(600)").start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> sessions(b, t) == 1);
        } catch (RuntimeException e) {
            open.destroy();
            throw e;
        }
        return open;
    }
}
