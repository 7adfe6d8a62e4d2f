package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionGateTest {
    @Test
    void sameVersionReplicates() {
        assertThat(VersionGate.refusal("b", "0.2.0", "0.2.0")).isEmpty();
    }

    @Test
    void unknownVersionDoesNotHold() {
        assertThat(VersionGate.refusal("b", null, "0.2.0")).isEmpty();
        assertThat(VersionGate.refusal("b", "", "0.2.0")).isEmpty();
    }

    @Test
    void olderSourceIsHeldAndNamedAsTheSideToUpdate() {
        assertThat(VersionGate.refusal("b", "0.1.0", "0.2.0")).hasValueSatisfying(m -> assertThat(m)
                .contains("site b runs Cusp 0.1.0, this site 0.2.0").contains("update b to 0.2.0"));
    }

    @Test
    void newerSourceAsksThisSiteToUpdate() {
        assertThat(VersionGate.refusal("b", "0.10.0", "0.9.3")).hasValueSatisfying(m -> assertThat(m)
                .contains("update this site to 0.10.0"));
    }

    @Test
    void patchReleasesDifferToo() {
        assertThat(VersionGate.refusal("b", "0.2.1", "0.2.0")).isPresent();
        assertThat(VersionGate.compare("0.2.1", "0.2.0")).isPositive();
        assertThat(VersionGate.compare("1.0.0", "0.99.0")).isPositive();
    }
}
