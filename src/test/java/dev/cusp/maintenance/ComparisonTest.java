package dev.cusp.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How one method's findings at several sites are judged: agree, differ (naming the odd sites), incomplete. */
class ComparisonTest {
    static final MaintenanceMethod M = MethodCatalog.select(List.of("fee-duplicate"), "methods").get(0);

    static Finding of(long... ids) {
        Finding.Builder b = new Finding.Builder();
        for (long id : ids) {
            b.add(id);
        }
        return b.build();
    }

    @Test
    void theSameKeysEverywhereAgree() {
        Comparison c = new Comparison(List.of(M));
        c.answered("a", Map.of(M.name(), of(3, 7)));
        c.answered("b", Map.of(M.name(), of(3, 7)));
        assertThat(c.state(M)).isEqualTo(Comparison.AGREE);
        assertThat(c.differing()).isEmpty();
        assertThat(c.found(M)).isEqualTo(2);
    }

    @Test
    void theSameCountWithOtherKeysDiffersAndTheOddSiteIsNamed() {
        Comparison c = new Comparison(List.of(M));
        c.answered("a", Map.of(M.name(), of(3, 7)));
        c.answered("b", Map.of(M.name(), of(3, 8)));
        c.answered("c", Map.of(M.name(), of(3, 7)));
        assertThat(c.state(M)).isEqualTo(Comparison.DIFFER);
        assertThat(c.differingSites(M)).containsExactly("b");
        // On a tie, the first site (the one asked) is taken as the reference.
        Comparison tie = new Comparison(List.of(M));
        tie.answered("a", Map.of(M.name(), of()));
        tie.answered("b", Map.of(M.name(), of(1)));
        assertThat(tie.differingSites(M)).containsExactly("b");
        assertThat(tie.report().get(0).differingSites()).isEqualTo(List.of("b"));
    }

    @Test
    void aSiteThatDidNotAnswerIsNeverAgreement() {
        Comparison c = new Comparison(List.of(M));
        c.answered("a", Map.of(M.name(), of()));
        c.failed("b", "cannot reach site b");
        assertThat(c.state(M)).isEqualTo(Comparison.INCOMPLETE);
        assertThat(c.incomplete()).isTrue();
        assertThat(c.report().get(0).results().get("b").error()).isEqualTo("cannot reach site b");
    }

    @Test
    void theDigestCoversEveryKeyBeyondTheOnesShown() {
        long[] many = new long[Finding.IDS_SHOWN + 5];
        long[] other = new long[many.length];
        for (int i = 0; i < many.length; i++) {
            many[i] = i;
            other[i] = i == many.length - 1 ? 10_000 : i;
        }
        Finding x = of(many);
        Finding y = of(other);
        assertThat(x.ids()).isEqualTo(y.ids()).hasSize(Finding.IDS_SHOWN);
        assertThat(x.count()).isEqualTo(y.count());
        assertThat(x.digest()).isNotEqualTo(y.digest());
    }
}
