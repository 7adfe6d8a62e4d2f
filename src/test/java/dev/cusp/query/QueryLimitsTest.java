package dev.cusp.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** The query window's limits on statements at once, per practice and site-wide. */
class QueryLimitsTest {
    @Test
    void aPracticeOverItsLimitIsRefusedAndOthersStillRun() {
        QueryLimits limits = new QueryLimits(2, 8);
        QueryLimits.Turn a1 = limits.enter("a");
        QueryLimits.Turn a2 = limits.enter("a");
        assertThatThrownBy(() -> limits.enter("a")).isInstanceOfSatisfying(QueryLimits.Busy.class, b -> {
            // The practice's own doing: 429, not the 503 of a site that cannot serve.
            assertThat(b.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
            assertThat(b.code().httpStatus()).isEqualTo(429);
            assertThat(b.retryAfterSeconds()).isPositive();
            assertThat(b.getMessage()).contains("query.concurrent.per.tenant");
        });
        limits.enter("b").close();
        a1.close();
        a1.close();
        limits.enter("a").close();
        a2.close();
        assertThat(limits.running()).isZero();
    }

    @Test
    void theSiteLimitCountsEveryPractice() {
        QueryLimits limits = new QueryLimits(2, 3);
        QueryLimits.Turn a = limits.enter("a");
        QueryLimits.Turn b = limits.enter("b");
        QueryLimits.Turn c = limits.enter("c");
        assertThatThrownBy(() -> limits.enter("d")).isInstanceOfSatisfying(QueryLimits.Busy.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.code().httpStatus()).isEqualTo(503);
            assertThat(e.getMessage()).contains("query.concurrent.site");
        });
        // A refusal by the site limit gives the practice's turn back.
        b.close();
        QueryLimits.Turn d1 = limits.enter("d");
        assertThatThrownBy(() -> limits.enter("d")).hasMessageContaining("query.concurrent.site");
        a.close();
        QueryLimits.Turn d2 = limits.enter("d");
        assertThat(limits.running()).isEqualTo(3);
        c.close();
        d1.close();
        d2.close();
        assertThat(limits.running()).isZero();
    }
}
