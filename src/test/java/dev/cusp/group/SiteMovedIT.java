package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A member restarted on another port is reached at its new URL: it records the move in its own
 * row, which replicates, and the other site calls it there. Two real peers a and b; b restarts
 * on port 0, so on another port than it joined with.
 */
@Tag("slow")
class SiteMovedIT {
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] ab = GroupSites.twoPeers("moved");
        a = ab[0];
        b = ab[1];
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(b, a);
    }

    @Test
    void aSiteRestartedOnAnotherPortIsReachedThereByItsPeer() throws Exception {
        String before = served(b);
        assertThat(siteB(a).path("reachable").asBoolean()).as(siteB(a).toString()).isTrue();

        b = b.restart(Map.of("site.name", "b"));
        String after = served(b);
        assertThat(after).as("port 0 binds another port").isNotEqualTo(before);

        await("a calls b at its new URL").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode s = siteB(a);
                    return s.path("url").asText().equals(after) && s.path("reachable").asBoolean();
                });
        // b moved only its own row: a's is still where a serves.
        JsonNode sites = admin(b, "GET", "/api/v1/admin/group", null).json().path("sites");
        for (JsonNode s : sites) {
            if (s.path("name").asText().equals("a")) {
                assertThat(s.path("url").asText()).isEqualTo(served(a));
            }
        }
    }

    /** The URL a site tells its group it serves at (the {@code address} setting and its port). */
    private static String served(TestSite s) {
        return s.site.group().membership().url();
    }

    private static JsonNode siteB(TestSite at) throws Exception {
        for (JsonNode s : admin(at, "GET", "/api/v1/admin/group", null).json().path("sites")) {
            if (s.path("name").asText().equals("b")) {
                return s;
            }
        }
        throw new AssertionError("no site b at " + at.url);
    }
}
