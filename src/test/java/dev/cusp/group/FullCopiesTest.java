package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A full copy of a site (same certificate, identity and data) running beside it: told apart by
 * the incarnation id each process sends with its peer calls (Incarnations), and what the site
 * watch makes of it (FullCopies). Pure: a clock the test moves, ids and answers in.
 */
class FullCopiesTest {
    static final String ORIGINAL = "0000000011111111";
    static final String COPY = "2222222233333333";
    static final String RESTARTED = "4444444455555555";
    static final String MINE = "aaaaaaaabbbbbbbb";
    final AtomicLong now = new AtomicLong(1_000_000);
    final Incarnations heard = new Incarnations(MINE, now::get);

    void at(long secondsLater, String site, String id) {
        now.addAndGet(secondsLater * 1000);
        heard.heard(site, id, "127.0.0.1");
    }

    @Test
    void twoProcessesTakingTurnsAreACopyAndTheFindingClearsWhenOneStops() {
        at(0, "b", ORIGINAL);
        at(2, "b", ORIGINAL);
        assertThat(heard.copy("b", "a")).isEmpty();
        at(1, "b", COPY);
        assertThat(heard.copy("b", "a")).as("a second id alone may be a restart").isEmpty();
        at(1, "b", ORIGINAL);
        assertThat(heard.copy("b", "a")).get().asString().contains("two running processes call as site b")
                .contains("00000000").contains("22222222");
        assertThat(heard.copies("a")).containsExactly("b");
        at(1, "b", COPY);
        at(1, "b", ORIGINAL);
        now.addAndGet(Incarnations.WINDOW_MS - 1000);
        assertThat(heard.copy("b", "a")).as("the copy was heard within the window").isPresent();
        at(2, "b", ORIGINAL);
        assertThat(heard.copy("b", "a")).as("the copy not heard for the window: stopped").isEmpty();
        at(2, "b", ORIGINAL);
        assertThat(heard.copies("a")).isEmpty();
    }

    @Test
    void aRestartIsNoCopy() {
        at(0, "b", ORIGINAL);
        at(2, "b", ORIGINAL);
        at(5, "b", RESTARTED);
        at(2, "b", RESTARTED);
        at(2, "b", COPY);
        at(2, "b", COPY);
        assertThat(heard.copy("b", "a")).as("each id gone once the next came: restarts").isEmpty();
    }

    @Test
    void callsWithoutAnIdOrWithAMalformedOneAreNotCounted() {
        at(0, "b", ORIGINAL);
        at(1, "b", null);
        at(1, "b", "not-an-id");
        at(1, "b", "x".repeat(100));
        at(1, "b", ORIGINAL);
        assertThat(heard.copy("b", "a")).isEmpty();
    }

    @Test
    void anotherProcessCallingUnderThisSitesNameIsACopyOfIt() {
        at(0, "a", MINE);
        assertThat(heard.copy("a", "a")).isEmpty();
        at(1, "a", COPY);
        assertThat(heard.copy("a", "a")).get().asString().contains("a second process calls the group as site a");
        assertThat(heard.copies("a")).as("what a tells its peers names others").isEmpty();
    }

    @Test
    void inventedIdsAreKeptFewAndOneSitesIdsDoNotMixWithAnothers() {
        for (int i = 0; i < 1000; i++) {
            at(0, "b", String.format("%016x", i));
        }
        assertThat(heard.copy("b", "a")).isEmpty();
        at(0, "b", String.format("%016x", 999));
        at(0, "c", ORIGINAL);
        at(0, "b", String.format("%016x", 998));
        assertThat(heard.copies("a")).containsExactly("b");
        assertThat(heard.copy("b", "a")).get().asString().contains("00000000");
        assertThat(heard.copy("c", "a")).isEmpty();
    }

    static final Member A = SiteWatchTest.member("a", 11, 101, 1, 1);
    static final Member B = SiteWatchTest.member("b", 22, 202, 2, 2);

    @Test
    void theWatchNamesTheCopyWhereHeardAndHoldsTheCopiedSiteWhenAPeerSaysSo() throws Exception {
        at(0, "b", ORIGINAL);
        at(1, "b", COPY);
        at(1, "b", ORIGINAL);
        List<FullCopies.Finding> atA = FullCopies.look(heard, "a", List.of(A, B), List.of());
        assertThat(atA).hasSize(1);
        assertThat(atA.get(0).site()).isEqualTo("b");
        assertThat(atA.get(0).here()).as("a is not held; it stops replicating from b").isFalse();
        assertThat(atA.get(0).fix()).contains("stop the copy of site b").contains("https://b");

        JsonNode fromA = JsonMapping.MAPPER.readTree("{\"site\":\"a\",\"copies\":[\"b\"]}");
        Incarnations atB = new Incarnations(ORIGINAL, now::get);
        List<FullCopies.Finding> held = FullCopies.look(atB, "b", List.of(A, B), List.of(fromA));
        assertThat(held).hasSize(1);
        assertThat(held.get(0).site()).isEqualTo("b");
        assertThat(held.get(0).here()).as("b (and its copy) hold their writes").isTrue();
        assertThat(held.get(0).message()).contains("site a hears two running processes calling as site b");
        JsonNode quiet = JsonMapping.MAPPER.readTree("{\"site\":\"a\",\"copies\":[]}");
        assertThat(FullCopies.look(atB, "b", List.of(A, B), List.of(quiet))).isEmpty();
    }
}
