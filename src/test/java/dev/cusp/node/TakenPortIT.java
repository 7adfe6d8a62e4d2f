package dev.cusp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new site draws its node's port at first start, and the node binds it seconds later: another
 * program may take it meanwhile (CI saw "Address already in use" fail a site's first start). The
 * new node draws another port instead of failing; the site's identity records the port it got.
 */
class TakenPortIT {
    @Test
    void aNewNodeWhosePortWasTakenDrawsAnotherAndStarts() throws Exception {
        Path home = TestSite.newHome("takenport");
        dev.cusp.site.SiteHome h = new dev.cusp.site.SiteHome(home);
        dev.cusp.site.Settings settings = dev.cusp.site.Settings.load(
                Map.of("port", "0", "db.buffer.pool.mb", "64"), Map.of(), null);
        h.initialize(settings);
        int drawn = h.identity().dbPort();
        try (ServerSocket taken = new ServerSocket(drawn, 1, InetAddress.getLoopbackAddress())) {
            assertThat(taken.isBound()).as("the drawn port is held by this test").isTrue();
            TestSite site = TestSite.startIn(home, Map.of());
            try {
                int got = site.site.node().config().port();
                assertThat(got).isNotEqualTo(drawn);
                assertThat(h.identity().dbPort()).isEqualTo(got);
                assertThat(site.call("GET", "/api/v1/health", null, null).status()).isEqualTo(200);
            } finally {
                site.close();
            }
        }
    }
}
