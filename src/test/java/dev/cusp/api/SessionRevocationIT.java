package dev.cusp.api;

import static dev.cusp.api.Practice.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.site.Settings;
import dev.cusp.support.TestSite;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user's sessions end when what they were granted on changes (issue 14, finding 7): a
 * password change, losing the administrator role, a lock, a delete. Through this site's API at
 * once; a change that arrives by replication or straight in the practice's database at the
 * first request after {@code token.recheck.seconds}.
 */
class SessionRevocationIT {
    private static final String STRONG = "tundra Quill 7 marmalade vexing-orbit";
    private static final String STRONG2 = "Plinth gazebo 9 wombat fjord quasar";

    private static void user(Practice p, String name, boolean admin) {
        TestSite.Response r = p.post("/users", Map.of("user_name", name, "password", STRONG, "is_admin", admin));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static TestSite.Response patients(Practice p, String token) {
        return p.site.call("GET", p.base + "/patients", token, null);
    }

    @Test
    void aPasswordChangeEndsTheUsersOtherSessionsButNotTheCallers() {
        Practice p = new Practice("revpw");
        user(p, "clerk", false);
        String mine = p.tokenFor("clerk", STRONG);
        String stolen = p.tokenFor("clerk", STRONG);
        String other = p.tokenFor(p.created.adminUser(), p.created.adminPassword());
        assertThat(patients(p, stolen).status()).isEqualTo(200);

        TestSite.Response changed = p.site.call("PUT", p.base + "/users/me/password", mine,
                Map.of("current_password", STRONG, "new_password", STRONG2));
        assertThat(changed.status()).as(changed.body()).isEqualTo(204);
        assertError(patients(p, stolen), 401, "UNAUTHENTICATED", null, "the other session after the change");
        assertThat(patients(p, mine).status()).as("the caller's own session").isEqualTo(200);
        assertThat(patients(p, other).status()).as("another user's session").isEqualTo(200);
        // Past the recheck too: the caller's session took the new password's stamp.
        await().pollDelay(Duration.ofSeconds(Settings.defaults().get(Settings.TOKEN_RECHECK_SECONDS) + 1))
                .atMost(Duration.ofSeconds(60)).until(() -> patients(p, mine).status() == 200);
    }

    @Test
    void losingTheAdministratorRoleEndsTheSessionThatHadIt() {
        Practice p = new Practice("revrole");
        user(p, "boss", true);
        String boss = p.tokenFor("boss", STRONG);
        assertThat(p.site.call("GET", p.base + "/security-log", boss, null).status()).isEqualTo(200);

        TestSite.Response demoted = p.put("/users/boss", Map.of("is_admin", false));
        assertThat(demoted.status()).as(demoted.body()).isEqualTo(200);
        assertThat(demoted.json().get("is_admin").asBoolean()).isFalse();
        assertError(p.site.call("GET", p.base + "/security-log", boss, null), 401, "UNAUTHENTICATED", null,
                "the demoted user's old session");
        String again = p.tokenFor("boss", STRONG);
        assertError(p.site.call("GET", p.base + "/security-log", again, null), 403, "FORBIDDEN", null,
                "the demoted user's new session");
        assertThat(p.securityLog("practice_user")).anyMatch(n -> n.get("action").asText().equals("revoke_admin"));
    }

    @Test
    void deletingOrLockingAUserEndsItsSessions() {
        Practice p = new Practice("revdel");
        user(p, "leaver", false);
        user(p, "suspect", false);
        String leaver = p.tokenFor("leaver", STRONG);
        String suspect = p.tokenFor("suspect", STRONG);

        assertThat(p.delete("/users/leaver").status()).isEqualTo(204);
        assertError(patients(p, leaver), 401, "UNAUTHENTICATED", null, "a deleted user's session");
        assertThat(p.count("practice_user", "user_name = 'leaver'")).isZero();
        assertError(p.delete("/users/leaver"), 404, "NOT_FOUND", null, "deleted twice");

        assertThat(p.post("/users/suspect/lock", null).status()).isEqualTo(200);
        assertError(patients(p, suspect), 401, "UNAUTHENTICATED", null, "a locked user's session");
        assertThat(p.securityLog("practice_user")).anyMatch(n -> n.get("action").asText().equals("delete"))
                .anyMatch(n -> n.get("action").asText().equals("lock"));
    }

    /**
     * A change that does not go through this site's API (here the practice's own database
     * account; replication from another site writes the row the same way) ends the session
     * at the first request after the recheck interval.
     */
    @Test
    void aChangeMadeOutsideThisSitesApiEndsTheSessionWithinTheRecheckInterval() {
        Practice p = new Practice("revsql");
        user(p, "remote", true);
        user(p, "rekeyed", false);
        String remote = p.tokenFor("remote", STRONG);
        String rekeyed = p.tokenFor("rekeyed", STRONG);
        p.sql("UPDATE practice_user SET is_admin = FALSE WHERE user_name = 'remote'");
        p.sql("UPDATE practice_user SET password_hash = CONCAT(password_hash, 'x') WHERE user_name = 'rekeyed'");
        int recheck = Settings.defaults().get(Settings.TOKEN_RECHECK_SECONDS);
        await().atMost(Duration.ofSeconds(recheck + 30)).pollInterval(Duration.ofMillis(500))
                .until(() -> p.site.call("GET", p.base + "/security-log", remote, null).status() == 401);
        await().atMost(Duration.ofSeconds(recheck + 30)).pollInterval(Duration.ofMillis(500))
                .until(() -> patients(p, rekeyed).status() == 401);
        assertThat(patients(p, p.token).status()).as("an unchanged user's session").isEqualTo(200);
    }
}
