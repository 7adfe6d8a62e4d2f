package dev.cusp.api;

import static dev.cusp.api.Practice.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.site.Settings;
import dev.cusp.support.TestSite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Practice users: login (its throttling is in {@link LoginThrottleIT}), the strong-password policy, what a non-administrator
 * may not do, that one practice's token opens nothing of another's, and logout.
 */
class PracticeAuthIT {
    /** Long and random enough for the policy. */
    private static final String STRONG = "tundra Quill 7 marmalade vexing-orbit";
    private static final String STRONG2 = "Plinth gazebo 9 wombat fjord quasar";
    /** The shared test site runs with the default setting (5). */
    private static final int MAX_FAILURES = Settings.defaults().get(Settings.LOGIN_MAX_FAILURES);

    private static long createUser(Practice p, String user, String password, boolean admin) {
        TestSite.Response r = p.post("/users", Map.of("user_name", user, "password", password, "is_admin", admin));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("user_name").asText()).isEqualTo(user);
        assertThat(r.json().get("is_admin").asBoolean()).isEqualTo(admin);
        return r.json().get("id").asLong();
    }

    @Test
    void aWrongPasswordOrUnknownUserGetsTheSame401AndNoToken() {
        Practice p = new Practice("authwrong");
        TestSite.Response wrong = p.login(p.created.adminUser(), p.created.adminPassword() + "x");
        assertError(wrong, 401, "UNAUTHENTICATED", null, "wrong password");
        assertThat(wrong.json().has("token")).isFalse();
        TestSite.Response unknown = p.login("nobody", p.created.adminPassword());
        assertError(unknown, 401, "UNAUTHENTICATED", null, "unknown user");
        // The answer does not tell which of the two was wrong.
        assertThat(unknown.json().at("/error/message").asText()).isEqualTo(wrong.json().at("/error/message").asText());
        assertThat(wrong.json().at("/error/message").asText()).doesNotContainIgnoringCase("exist")
                .doesNotContain(p.created.adminUser());
        TestSite.Response other = p.site.callUnchecked("POST", p.base + "/login", null, Map.of("user",
                p.created.adminUser(), "password", ""));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().has("token")).isFalse();

        TestSite.Response ok = p.login(p.created.adminUser(), p.created.adminPassword());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("token").asText()).isNotBlank();
        assertThat(ok.json().get("is_admin").asBoolean()).isTrue();

        List<JsonNode> log = p.securityLog("practice_user");
        assertThat(log).anyMatch(n -> n.get("action").asText().equals("login_failed")
                && n.get("user_name").asText().equals("nobody"));
    }

    @Test
    void weakPasswordsAreRefusedWhenAUserIsCreated() {
        Practice p = new Practice("authweak");
        long users = p.count("practice_user", null);
        for (String weak : List.of("Ab1!xyz", "short", "Password1234", "aaaaaaaaaaaa", "123456789012",
                "qwertyuiopasdf", "password123!", "Summer2024!!", "abcdefghijklmnop")) {
            TestSite.Response r = p.invalid("POST", "/users", Map.of("user_name", "weak", "password", weak));
            assertError(r, 400, "INVALID_INPUT", "password", "weak password " + weak);
            assertThat(r.body()).doesNotContain(weak);
        }
        assertThat(p.count("practice_user", null)).isEqualTo(users);
        assertError(p.login("weak", "Ab1!xyz"), 401, "UNAUTHENTICATED", null, "no user was made");

        createUser(p, "strong", STRONG, false);
        assertThat(p.login("strong", STRONG).status()).isEqualTo(200);
        assertThat(p.count("practice_user", null)).isEqualTo(users + 1);
        assertThat(p.sql("SELECT password_hash FROM practice_user WHERE user_name = 'strong'"))
                .startsWith("$argon2id$").doesNotContain(STRONG);

        // The same name twice is a conflict, and bad names are refused.
        assertError(p.post("/users", Map.of("user_name", "strong", "password", STRONG2)), 409, "CONFLICT",
                "user_name", "duplicate user");
        for (String bad : List.of("", "two words", "semi;colon", "quote'", "ümlaut")) {
            assertError(p.invalid("POST", "/users", Map.of("user_name", bad, "password", STRONG2)), 400,
                    "INVALID_INPUT", "user_name", "user name " + bad);
        }
        assertThat(p.count("practice_user", null)).isEqualTo(users + 1);
    }

    @Test
    void changingYourOwnPasswordFollowsThePolicyAndNeedsTheCurrentOne() {
        Practice p = new Practice("authchange");
        createUser(p, "clerk", STRONG, false);
        String token = p.tokenFor("clerk", STRONG);
        String hash = p.sql("SELECT password_hash FROM practice_user WHERE user_name = 'clerk'");
        for (String weak : List.of("short", "Password1234", "aaaaaaaaaaaa")) {
            TestSite.Response r = p.site.callUnchecked("PUT", p.base + "/users/me/password", token,
                    Map.of("current_password", STRONG, "new_password", weak));
            assertError(r, 400, "INVALID_INPUT", "new_password", "weak new password " + weak);
        }
        TestSite.Response wrongCurrent = p.site.call("PUT", p.base + "/users/me/password", token,
                Map.of("current_password", "not-it", "new_password", STRONG2));
        assertThat(wrongCurrent.status()).isIn(400, 401, 403);
        assertThat(wrongCurrent.json().at("/error/field").asText()).isEqualTo("current_password");
        assertThat(p.sql("SELECT password_hash FROM practice_user WHERE user_name = 'clerk'")).isEqualTo(hash);

        TestSite.Response ok = p.site.call("PUT", p.base + "/users/me/password", token,
                Map.of("current_password", STRONG, "new_password", STRONG2));
        assertThat(ok.status()).as(ok.body()).isEqualTo(204);
        assertError(p.login("clerk", STRONG), 401, "UNAUTHENTICATED", null, "old password");
        assertThat(p.login("clerk", STRONG2).status()).isEqualTo(200);
        assertThat(p.securityLog("practice_user")).anyMatch(n -> n.get("action").asText().equals("change_password")
                && n.get("user_name").asText().equals("clerk"));
    }

    /**
     * A stolen token cannot be used to guess the password: wrong current passwords count like
     * failed logins, from the thief's address. The user at their own address is not held up.
     */
    @Test
    void guessingTheCurrentPasswordWithAStolenTokenIsThrottled() {
        Practice p = new Practice("authguess");
        createUser(p, "victim", STRONG, false);
        String token = p.tokenFor("victim", STRONG);
        FromAddress thief = FromAddress.fresh(p.site);
        for (int i = 1; i <= MAX_FAILURES; i++) {
            FromAddress.Answer r = thief.call("PUT", p.base + "/users/me/password", token,
                    Map.of("current_password", "guess-" + i, "new_password", STRONG2));
            assertError(r.response(), 400, "INVALID_INPUT", "current_password", "guess " + i);
        }
        FromAddress.Answer right = thief.call("PUT", p.base + "/users/me/password", token,
                Map.of("current_password", STRONG, "new_password", STRONG2));
        assertError(right.response(), 429, "TOO_MANY_REQUESTS", null, "after " + MAX_FAILURES + " wrong guesses");
        assertThat(right.headers()).containsKey("retry-after");
        assertThat(p.sql("SELECT COUNT(*) FROM practice_user WHERE user_name = 'victim' AND failed_logins = 0"
                + " AND locked_until IS NULL")).as("nothing is locked in the database").isEqualTo("1");
        assertThat(FromAddress.fresh(p.site).login(p, "victim", STRONG).status()).isEqualTo(200);
        assertThat(p.securityLog("practice_user")).filteredOn(n -> n.get("action").asText()
                .equals("change_password_failed") && n.get("user_name").asText().equals("victim")).hasSize(MAX_FAILURES);
    }

    @Test
    void aPasswordContainingTheUserNameIsRefused() {
        Practice p = new Practice("authname");
        TestSite.Response r = p.post("/users", Map.of("user_name", "hygienist",
                "password", "Hygienist-violet-tractor-42"));
        assertError(r, 400, "INVALID_INPUT", "password", "password contains the user name");
    }

    @Test
    void aPracticeUserWhoIsNotAnAdministratorCannotAddUsersOrReadTheSecurityLog() {
        Practice p = new Practice("authrole");
        createUser(p, "assistant", STRONG, false);
        String token = p.tokenFor("assistant", STRONG);
        long users = p.count("practice_user", null);

        for (boolean admin : List.of(false, true)) {
            TestSite.Response r = p.site.call("POST", p.base + "/users", token, Map.of("user_name", "sneaky",
                    "password", STRONG2, "is_admin", admin));
            assertError(r, 403, "FORBIDDEN", null, "non-admin adds a user");
        }
        TestSite.Response log = p.site.call("GET", p.base + "/security-log", token, null);
        assertError(log, 403, "FORBIDDEN", null, "non-admin reads the log");
        assertThat(log.body()).doesNotContain("login");
        assertThat(p.count("practice_user", null)).isEqualTo(users);
        assertError(p.login("sneaky", STRONG2), 401, "UNAUTHENTICATED", null, "no user was made");

        // The same user does the practice's ordinary work.
        TestSite.Response made = p.site.call("POST", p.base + "/patients", token, Map.of("last_name", "Work",
                "first_name", "Wes"));
        assertThat(made.status()).isEqualTo(201);
        assertThat(p.securityLog("patient")).anyMatch(n -> n.get("user_name").asText().equals("assistant"));
    }

    @Test
    void onePracticesTokenOpensNothingOfAnother() {
        Practice a = new Practice("autha");
        Practice b = new Practice("authb");
        long secret = b.patient("Secretive", "Sue");
        long plan = b.plan(b.carrier("Hidden Carrier"), "Hidden Group");
        long other = b.patient("Other", "Oz");
        Map<String, String> before = b.fingerprint();
        String t = a.token;
        List<TestSite.Response> answers = List.of(
                a.site.call("GET", b.base + "/patients", t, null),
                a.site.call("GET", b.base + "/patients?q=Sec", t, null),
                a.site.call("GET", b.base + "/patients/" + secret, t, null),
                a.site.call("GET", b.base + "/insurance-plans/" + plan, t, null),
                a.site.call("POST", b.base + "/patients", t, Map.of("last_name", "Intruder", "first_name", "I")),
                a.site.call("PUT", b.base + "/patients/" + secret, t, Map.of("last_name", "Changed")),
                a.site.call("DELETE", b.base + "/patients/" + other, t, null),
                a.site.call("POST", b.base + "/patients/merge", t, Map.of("from", other, "into", secret)),
                a.site.call("POST", b.base + "/insurance-plans/combine", t, Map.of("keep", plan,
                        "merge", List.of(plan + 1))),
                a.site.call("GET", b.base + "/security-log", t, null),
                a.site.call("POST", b.base + "/users", t, Map.of("user_name", "intruder", "password", STRONG)),
                a.site.call("PUT", b.base + "/users/me/password", t, Map.of("current_password",
                        a.created.adminPassword(), "new_password", STRONG)),
                a.site.call("POST", b.base + "/logout", t, null));
        for (TestSite.Response r : answers) {
            assertError(r, 403, "FORBIDDEN", null, "A's token on B");
            assertThat(r.body()).doesNotContain("Secretive").doesNotContain("Hidden").doesNotContain("items")
                    .doesNotContain(b.created.adminUser() + "\"");
        }
        assertThat(b.fingerprint()).as("B unchanged").isEqualTo(before);
        assertThat(b.read("patients", secret).get("last_name").asText()).isEqualTo("Secretive");
        // A's token still works on A (the logout on B's URL did not end it), and sees none of B.
        assertThat(a.ids("patients")).isEmpty();
        assertError(a.get("/patients/" + secret), 404, "NOT_FOUND", null, "B's id on A");
        // B's own administrator was never locked or logged out by any of this.
        assertThat(b.get("/patients/" + secret).status()).isEqualTo(200);
    }

    /**
     * The token check runs for every spelling of a practice path the routes serve (a trailing
     * slash, a percent-encoded tenant name), and the site-admin check likewise: the checks test
     * a path prefix, not the routes' patterns.
     */
    @Test
    void theTokenChecksCoverEverySpellingOfAPath() {
        Practice a = new Practice("spella");
        Practice b = new Practice("spellb");
        long secret = b.patient("Secretive", "Sue");
        String encoded = "/api/v1/t/%" + Integer.toHexString(b.name.charAt(0)) + b.name.substring(1);
        for (String path : List.of(b.base + "/patients/" + secret + "/", encoded + "/patients/" + secret,
                b.base + "/patients/", encoded + "/security-log")) {
            TestSite.Response other = a.site.call("GET", path, a.token, null);
            assertError(other, 403, "FORBIDDEN", null, "A's token on " + path);
            assertThat(other.body()).doesNotContain("Secretive");
            assertError(a.site.callUnchecked("GET", path, null, null), 401, "UNAUTHENTICATED", null,
                    "no token on " + path);
        }
        // The same spellings serve B's own token.
        TestSite.Response own = b.site.call("GET", encoded + "/patients/" + secret, b.token, null);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().get("last_name").asText()).isEqualTo("Secretive");
        for (String path : List.of("/api/v1/admin/status/", "/api/v1/admin/tenants/", "/api/v1/admin/group")) {
            assertError(a.site.callUnchecked("GET", path, null, null), 401, "UNAUTHENTICATED", null,
                    "no token on " + path);
            assertError(a.site.call("GET", path, a.token, null), 403, "FORBIDDEN", null, "practice token on " + path);
        }
    }

    @Test
    void logoutEndsTheTokenAndOnlyThatToken() {
        Practice p = new Practice("authout");
        String second = p.tokenFor(p.created.adminUser(), p.created.adminPassword());
        assertThat(p.get("/patients").status()).isEqualTo(200);

        TestSite.Response out = p.site.call("POST", p.base + "/logout", p.token, null);
        assertThat(out.status()).isEqualTo(204);
        for (String[] req : List.of(new String[] {"GET", "/patients"}, new String[] {"POST", "/logout"},
                new String[] {"GET", "/security-log"})) {
            assertError(p.site.call(req[0], p.base + req[1], p.token, null), 401, "UNAUTHENTICATED", null,
                    "after logout: " + req[1]);
        }
        assertError(p.site.call("POST", p.base + "/patients", p.token, Map.of("last_name", "Late", "first_name",
                "Lu")), 401, "UNAUTHENTICATED", null, "write after logout");
        assertThat(p.count("patient", null)).isZero();
        // Another session of the same user is not affected.
        assertThat(p.site.call("GET", p.base + "/patients", second, null).status()).isEqualTo(200);
    }
}
