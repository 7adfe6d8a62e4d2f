package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One log line per key and interval; the rest counted and reported when the interval is over. */
class LogLimiterTest {
    final AtomicLong clock = new AtomicLong();
    final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 3, clock::get);

    @Test
    void theFirstLineOfAMinuteIsWrittenAndTheRestCounted() {
        assertThat(limiter.admit("refused", "10.0.0.1")).isTrue();
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.admit("refused", "10.0.0.1")).isFalse();
        }
        // Another address, and another kind of line, have windows of their own.
        assertThat(limiter.admit("refused", "10.0.0.2")).isTrue();
        assertThat(limiter.admit("timeout", "10.0.0.1")).isTrue();
        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(limiter.sweep()).isEmpty();
        assertThat(limiter.admit("refused", "10.0.0.1")).isFalse();
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(limiter.sweep()).containsExactly(new LogLimiter.Held("refused", "10.0.0.1", 501));
        assertThat(limiter.active()).isFalse();
        assertThat(limiter.admit("refused", "10.0.0.1")).as("a new minute").isTrue();
    }

    @Test
    void addressesBeyondTheCapacityShareOneWindow() {
        for (int i = 1; i <= 3; i++) {
            assertThat(limiter.admit("refused", "10.0.0." + i)).isTrue();
        }
        assertThat(limiter.admit("refused", "10.0.0.4")).isTrue();
        for (int i = 5; i < 10_000; i++) {
            assertThat(limiter.admit("refused", "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)))
                    .isFalse();
        }
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(limiter.sweep()).containsExactly(new LogLimiter.Held("refused", LogLimiter.OTHERS, 9_995));
    }
}
