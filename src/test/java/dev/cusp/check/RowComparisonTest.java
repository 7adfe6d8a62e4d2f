package dev.cusp.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.wire.RowDifference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowComparisonTest {

    @Test
    void namesChangedMissingAndExtraRowsAndTheOddSiteOut() {
        Map<String, Map<Long, Long>> bySite = new TreeMap<>();
        bySite.put("a", Map.of(1L, 10L, 2L, 20L, 3L, 30L));
        bySite.put("b", Map.of(1L, 10L, 2L, 21L, 4L, 40L));
        bySite.put("c", Map.of(1L, 10L, 2L, 20L, 3L, 30L));
        List<RowDifference> rows = RowComparison.differing(bySite, "a");
        assertThat(rows).extracting(RowDifference::key).containsExactly(2L, 3L, 4L);
        assertThat(rows).extracting(RowDifference::differsAt).containsExactly(List.of("b"), List.of("b"), List.of("b"));
        assertThat(rows.get(1).crc()).isEqualTo(Map.of("a", "1e", "b", "missing", "c", "1e"));
    }

    @Test
    void aTieIsResolvedInFavourOfTheCheckingSite() {
        Map<String, Long> crc = new HashMap<>();
        crc.put("a", 5L);
        crc.put("b", null);
        assertThat(RowComparison.outliers(crc, "a")).containsExactly("b");
        assertThat(RowComparison.outliers(crc, "b")).containsExactly("a");
    }
}
