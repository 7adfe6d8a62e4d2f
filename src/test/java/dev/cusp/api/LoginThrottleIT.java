package dev.cusp.api;

import static dev.cusp.api.Practice.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.site.Settings;
import dev.cusp.support.TestSite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Login under attack (issue 14, finding 6): the answer does not tell who exists, failures slow
 * the failing client down instead of locking the user out, the real user at an address that
 * has not failed still gets in, and a practice administrator can unlock. Attackers are curl
 * clients at their own loopback addresses ({@link FromAddress}).
 */
class LoginThrottleIT {
    private static final String STRONG = "tundra Quill 7 marmalade vexing-orbit";
    /** The shared test site runs with the default (5). */
    private static final int FREE = Settings.defaults().get(Settings.LOGIN_MAX_FAILURES);

    /**
     * Fails once for {@code user} from each of {@code n} fresh addresses and answers those
     * addresses: the user name then waits 2^(n - FREE) s, for addresses that have failed.
     */
    private static List<FromAddress> spray(Practice p, String user, int n) {
        List<FromAddress> from = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FromAddress a = FromAddress.fresh(p.site);
            assertError(a.login(p, user, "guess-" + i).response(), 401, "UNAUTHENTICATED", null, "guess " + i);
            from.add(a);
        }
        return from;
    }

    private static void assertThrottled(FromAddress.Answer r, String what) {
        assertError(r.response(), 429, "TOO_MANY_REQUESTS", null, what);
        assertThat(r.headers().get("retry-after")).as("%s: Retry-After", what).matches("[1-9][0-9]*");
        assertThat(r.json().has("token")).isFalse();
    }

    @Test
    void aKnownUserUnderAttackAnswersExactlyLikeAnUnknownOne() {
        Practice p = new Practice("thrsame");
        String admin = p.created.adminUser();
        // More failures for the first administrator than the old lockout allowed.
        spray(p, admin, FREE + 1);
        FromAddress probe = FromAddress.fresh(p.site);
        FromAddress.Answer known = probe.login(p, admin, "still-guessing");
        FromAddress.Answer unknown = probe.login(p, "nobody-" + admin, "still-guessing");
        assertError(known.response(), 401, "UNAUTHENTICATED", null, "known user, wrong password");
        assertThat(unknown.status()).isEqualTo(known.status());
        assertThat(unknown.body()).as("the whole answer").isEqualTo(known.body());
        assertThat(known.body()).doesNotContain(admin + " ").doesNotContainIgnoringCase("lock");

        // Past the limit, a known and an unknown name are throttled alike, by the same rule.
        List<FromAddress> knownSpray = spray(p, admin, FREE + 3);
        List<FromAddress> ghostSpray = spray(p, "ghost", FREE + 3);
        FromAddress.Answer k = knownSpray.get(0).login(p, admin, "x-guess");
        FromAddress.Answer g = ghostSpray.get(0).login(p, "ghost", "x-guess");
        assertThrottled(k, "known name past the limit");
        assertThrottled(g, "unknown name past the limit");
        assertThat(k.json().at("/error/message").asText()).doesNotContain(admin);

        // The security log has every attempt, with its address; the administrator still gets in.
        FromAddress real = FromAddress.fresh(p.site);
        assertThat(real.login(p, admin, p.created.adminPassword()).status()).isEqualTo(200);
        List<JsonNode> log = p.securityLog("practice_user");
        assertThat(log).anyMatch(n -> n.get("action").asText().equals("login_failed")
                && n.get("user_name").asText().equals("ghost")
                && n.get("details").asText().equals("unknown user, from " + ghostSpray.get(1).address));
        assertThat(log).anyMatch(n -> n.get("action").asText().equals("login_failed")
                && n.get("user_name").asText().equals(admin)
                && n.get("details").asText().equals("wrong password, from " + probe.address));
        assertThat(log).anyMatch(n -> n.get("action").asText().equals("login_throttled")
                && n.get("user_name").asText().equals("ghost"));
    }

    @Test
    void failuresFromOneAddressSlowThatAddressDownWithGrowingWaitsButNotTheAdminElsewhere() {
        Practice p = new Practice("thrgrow");
        String admin = p.created.adminUser();
        FromAddress attacker = FromAddress.fresh(p.site);
        for (int i = 0; i < FREE; i++) {
            assertError(attacker.login(p, admin, "guess-" + i).response(), 401, "UNAUTHENTICATED", null,
                    "free failure " + i);
        }
        // Each further failure doubles the wait (1 s, 2 s, 4 s ...). The attempt right after a
        // failure normally lands inside the wait; on a slow machine it may come after it and
        // count as one more failure, so the walk goes on until a wait of 3 s or more is seen.
        int failures = FREE;
        int lastWait = 0;
        while (lastWait < 3) {
            assertThat(failures).as("failures before a wait of 3 s was seen").isLessThan(FREE + 6);
            FromAddress.Answer r = attacker.login(p, admin, "guess-" + failures);
            if (r.status() == 401) {
                failures++;
                continue;
            }
            assertThrottled(r, "after " + failures + " failures");
            lastWait = Integer.parseInt(r.headers().get("retry-after"));
            // Never more than the wait this many failures earn: 2^(failures - FREE) s.
            assertThat(lastWait).as("Retry-After after %d failures", failures).isLessThanOrEqualTo(
                    1 << (failures - FREE));
            if (lastWait < 3) {
                // Wait it out: the first attempt let through is one more failure.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> attacker.login(p, admin, "probe").status() == 401);
                failures++;
            }
        }
        // The right password does not help while the address waits.
        assertThrottled(attacker.login(p, admin, p.created.adminPassword()), "right password while waiting");

        // The real administrator, at an address that has not failed, gets in at once.
        FromAddress office = FromAddress.fresh(p.site);
        FromAddress.Answer ok = office.login(p, admin, p.created.adminPassword());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("token").asText()).isNotBlank();
        assertThat(p.securityLog("practice_user")).anyMatch(n -> n.get("action").asText().equals("login_throttled")
                && n.get("details").asText().contains("address " + attacker.address));

        // Once the wait is over, a success from the attacker's address ends its count.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> attacker.login(p, admin, p.created.adminPassword()).status() == 200);
        assertError(attacker.login(p, admin, "one-more-typo").response(), 401, "UNAUTHENTICATED", null,
                "first failure after a success");
    }

    @Test
    void aSprayFromManyAddressesSlowsTheUserNameOnlyAtAddressesThatFailed() {
        Practice p = new Practice("thrspray");
        String admin = p.created.adminUser();
        List<FromAddress> bots = spray(p, admin, FREE + 3);
        // Each bot failed once only, but the name it guesses now waits (8 s) for it.
        assertThrottled(bots.get(0).login(p, admin, p.created.adminPassword()), "a bot with the right password");
        // The administrator at a fresh address is not held up.
        assertThat(FromAddress.fresh(p.site).login(p, admin, p.created.adminPassword()).status()).isEqualTo(200);
    }

    @Test
    void aPracticeAdministratorUnlocksAUserAndTheUnlockIsLogged() {
        Practice p = new Practice("thrunlock");
        assertThat(p.post("/users", Map.of("user_name", "clerk", "password", STRONG)).status()).isEqualTo(201);
        List<FromAddress> bots = spray(p, "clerk", FREE + 3);
        // The clerk mistyped once at the front desk: that address now waits for the name too.
        FromAddress desk = bots.get(0);
        assertThrottled(desk.login(p, "clerk", STRONG), "the clerk at an address that failed");

        String clerkToken = FromAddress.fresh(p.site).login(p, "clerk", STRONG).json().get("token").asText();
        spray(p, "clerk", FREE + 3);
        assertError(p.site.call("POST", p.base + "/users/clerk/unlock", clerkToken, null), 403, "FORBIDDEN", null,
                "a non-administrator unlocks");
        assertError(p.post("/users/nobody/unlock", null), 404, "NOT_FOUND", null, "unlock of an unknown user");

        TestSite.Response unlocked = p.post("/users/clerk/unlock", null);
        assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(200);
        assertThat(unlocked.json().get("user_name").asText()).isEqualTo("clerk");
        assertThat(unlocked.json().get("locked").asBoolean()).isFalse();
        FromAddress.Answer after = desk.login(p, "clerk", STRONG);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(p.securityLog("practice_user")).anyMatch(n -> n.get("action").asText().equals("unlock")
                && n.get("user_name").asText().equals(p.created.adminUser())
                && n.get("details").asText().contains("failed logins forgotten"));
    }

    @Test
    void anAdministratorsLockHoldsUntilUnlockAndIsToldOnlyToTheRightPassword() {
        Practice p = new Practice("thrlock");
        assertThat(p.post("/users", Map.of("user_name", "temp", "password", STRONG)).status()).isEqualTo(201);
        FromAddress desk = FromAddress.fresh(p.site);
        String token = desk.login(p, "temp", STRONG).json().get("token").asText();

        TestSite.Response locked = p.post("/users/temp/lock", null);
        assertThat(locked.status()).as(locked.body()).isEqualTo(200);
        assertThat(locked.json().get("locked").asBoolean()).isTrue();
        assertError(p.site.call("GET", p.base + "/patients", token, null), 401, "UNAUTHENTICATED", null,
                "the locked user's session");
        assertError(desk.login(p, "temp", STRONG).response(), 423, "LOCKED", null, "right password, locked");
        FromAddress.Answer wrong = desk.login(p, "temp", "not-the-password");
        FromAddress.Answer unknown = desk.login(p, "not-a-user", "not-the-password");
        assertThat(wrong.body()).as("a wrong password does not tell of the lock").isEqualTo(unknown.body());

        // The last administrator who can log in cannot be locked, demoted or deleted.
        String admin = p.created.adminUser();
        for (TestSite.Response r : List.of(p.post("/users/" + admin + "/lock", null),
                p.put("/users/" + admin, Map.of("is_admin", false)), p.delete("/users/" + admin))) {
            assertError(r, 409, "CONFLICT", null, "last administrator");
        }
        assertThat(p.post("/users/temp/unlock", null).status()).isEqualTo(200);
        assertThat(FromAddress.fresh(p.site).login(p, "temp", STRONG).status()).isEqualTo(200);
        assertThat(p.securityLog("practice_user")).anyMatch(n -> n.get("action").asText().equals("lock"))
                .anyMatch(n -> n.get("action").asText().equals("login_refused")
                        && n.get("details").asText().startsWith("locked by a practice administrator"));
    }

    @Test
    void anOverLongUserNameIsA400NamingUserAndIsLogged() {
        Practice p = new Practice("thrlong");
        String name = "a".repeat(65);
        FromAddress.Answer r = FromAddress.fresh(p.site).login(p, name, "whatever-password");
        assertError(r.response(), 400, "INVALID_INPUT", "user", "a 65-character user name");
        String huge = "b".repeat(5000);
        assertError(FromAddress.fresh(p.site).login(p, huge, "x").response(), 400, "INVALID_INPUT", "user",
                "a 5000-character user name");
        List<JsonNode> refused = p.securityLog("practice_user").stream()
                .filter(n -> n.get("action").asText().equals("login_refused")).toList();
        assertThat(refused).extracting(n -> n.get("details").asText()).anyMatch(d -> d.startsWith(
                "user name of 65 characters")).anyMatch(d -> d.startsWith("user name of 5000 characters"));
        assertThat(refused).allMatch(n -> n.get("user_name").asText().length() <= 64);
    }

    /**
     * The site-admin login has no global lockout any more: failures from attackers' addresses
     * slow those addresses down, and the real admin elsewhere logs in.
     */
    @Test
    void theSiteAdminLoginIsThrottledPerAddressAndNeverLockedForEveryone() {
        TestSite site = TestSite.shared();
        String password = "Site admin " + dev.cusp.secret.Passwords.generate(20);
        // Nothing else in the test suite logs in as the site admin: the shared site's password is
        // set here so that this test knows it.
        dev.cusp.base.FilePermissions.writePrivate(site.site.home().adminHash(),
                dev.cusp.secret.Passwords.hash(password));
        Map<String, String> wrong = Map.of("user", "admin", "password", "not-it");
        FromAddress attacker = FromAddress.fresh(site);
        for (int i = 0; i < FREE; i++) {
            assertError(attacker.call("POST", "/api/v1/admin/login", null, wrong).response(), 401,
                    "UNAUTHENTICATED", null, "site-admin failure " + i);
        }
        for (int i = 0; i < FREE + 3; i++) {
            assertError(FromAddress.fresh(site).call("POST", "/api/v1/admin/login", null,
                    Map.of("user", i % 2 == 0 ? "admin" : "root", "password", "guess")).response(), 401,
                    "UNAUTHENTICATED", null, "site-admin spray " + i);
        }
        assertThrottled(attacker.call("POST", "/api/v1/admin/login", null, Map.of("user", "admin", "password",
                password)), "the attacker's address, even with the right password");

        FromAddress.Answer ok = FromAddress.fresh(site).call("POST", "/api/v1/admin/login", null,
                Map.of("user", "admin", "password", password));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        String token = ok.json().get("token").asText();
        assertThat(site.call("GET", "/api/v1/admin/status", token, null).status()).isEqualTo(200);
    }
}
