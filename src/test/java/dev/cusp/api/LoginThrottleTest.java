package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle's arithmetic on a clock the test moves: waits, who they bind, and its memory bound. */
class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle t = new LoginThrottle(3, Duration.ofSeconds(20), 5, now::get);

    private long refusedFor(String address, String user) {
        try {
            t.begin(address, user);
        } catch (LoginThrottle.Throttled e) {
            assertThat(e.code().httpStatus()).isEqualTo(429);
            return e.retryAfterSeconds();
        }
        throw new AssertionError("not throttled");
    }

    @Test
    void afterTheFreeFailuresEachAttemptWaitsTwiceAsLongUpToTheCap() {
        for (int i = 0; i < 3; i++) {
            t.begin("10.0.0.1", "p/admin"); // three failures, free
        }
        assertThat(refusedFor("10.0.0.1", "p/admin")).isEqualTo(1);
        long[] waits = {2, 4, 8, 16, 20, 20};
        for (long w : waits) {
            now.addAndGet(60_000);
            // Past the wait: this attempt is let through and fails, the next must wait longer.
            t.begin("10.0.0.1", "p/admin");
            assertThat(refusedFor("10.0.0.1", "p/admin")).isEqualTo(w);
            assertThat(refusedFor("10.0.0.1", "p/other")).as("the address waits for any name").isEqualTo(w);
        }
    }

    @Test
    void anAttackersFailuresElsewhereDoNotHoldUpTheUserAtAnAddressThatHasNotFailed() {
        for (int i = 0; i < 3; i++) {
            t.begin("10.6.6." + i, "p/admin"); // one failure from each of three addresses
        }
        assertThat(refusedFor("10.6.6.0", "p/admin")).as("a failed address waits for the user name").isEqualTo(1);
        LoginThrottle.Attempt real = t.begin("192.168.1.5", "p/admin");
        assertThat(real.addressWaits()).isFalse();
        t.succeeded("192.168.1.5", "p/admin");
        // The success ended the user name's wait too.
        t.begin("10.6.6.0", "p/admin");
    }

    @Test
    void aSuccessEndsItsAddressesWaitAndUnlockForgetsTheUser() {
        for (int i = 0; i < 3; i++) {
            t.begin("10.0.0.2", "p/clerk");
        }
        refusedFor("10.0.0.2", "p/clerk");
        now.addAndGet(1_000);
        t.begin("10.0.0.2", "p/clerk");
        t.succeeded("10.0.0.2", "p/clerk");
        for (int i = 0; i < 3; i++) {
            t.begin("10.0.0.2", "p/clerk");
        }
        refusedFor("10.0.0.2", "p/clerk");
        assertThat(t.forgetUser("p/clerk")).isTrue();
        assertThat(t.forgetUser("p/clerk")).isFalse();
    }

    @Test
    void theStartOfAWaitIsReportedOnce() {
        assertThat(t.begin("10.0.0.3", "p/x")).isEqualTo(new LoginThrottle.Attempt(false, false));
        t.begin("10.0.0.3", "p/x");
        assertThat(t.begin("10.0.0.3", "p/x")).isEqualTo(new LoginThrottle.Attempt(true, true));
        now.addAndGet(60_000);
        assertThat(t.begin("10.0.0.3", "p/x")).isEqualTo(new LoginThrottle.Attempt(false, false));
    }

    @Test
    void oldFailuresAreForgotten() {
        for (int i = 0; i < 3; i++) {
            t.begin("10.0.0.4", "p/y");
        }
        refusedFor("10.0.0.4", "p/y");
        now.addAndGet(Duration.ofHours(1).toMillis() + 1);
        for (int i = 0; i < 3; i++) {
            t.begin("10.0.0.4", "p/y");
        }
        refusedFor("10.0.0.4", "p/y");
    }

    @Test
    void sprayingNamesAndAddressesCannotFlushTheCountOfANameUnderAttack() {
        for (int i = 0; i < 4; i++) {
            now.addAndGet(60_000);
            t.begin("10.9.9.9", "p/admin");
        }
        for (int i = 0; i < 50; i++) {
            t.begin("172.16.0." + i, "p/spray" + i); // capacity is 5 in this test
        }
        now.addAndGet(1);
        assertThat(refusedFor("10.9.9.9", "p/admin")).isEqualTo(2);
    }

    @Test
    void parallelAttemptsCannotAllUseTheFreeFailures() {
        // Attempts still running count: the fourth is refused before any of the first three ends.
        for (int i = 0; i < 3; i++) {
            t.begin("10.0.0.5", "p/z");
        }
        assertThatThrownBy(() -> t.begin("10.0.0.5", "p/z")).isInstanceOf(LoginThrottle.Throttled.class);
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        assertThat(LoginThrottle.clientKey("2001:db8:1:2:aaaa::1"))
                .isEqualTo(LoginThrottle.clientKey("[2001:db8:1:2:ffff:ffff:ffff:ffff]"))
                .isNotEqualTo(LoginThrottle.clientKey("2001:db8:1:3::1"));
        assertThat(LoginThrottle.clientKey("127.0.0.2")).isEqualTo("127.0.0.2");
        assertThat(LoginThrottle.clientKey("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
    }
}
