package dev.cusp.group;

import dev.cusp.support.TestSite;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pair of peers, a and b, shared by the fault tests of this test JVM whose fault is undone
 * by the test itself (a lock released, a version restored, a re-seed, a mend Cusp makes): two
 * sites and a join cost 15-20 s, and six classes started a pair each. Each test takes its own
 * tenant, and {@link #get()} hands the pair over only when every link is healthy and no site is
 * fenced, so a test finds it as a fresh pair would be. A pair a failed test left unhealthy is
 * replaced by a new one rather than failing the tests after it. Faults that wreck a site (a
 * clone, a roll-back) or need other settings at a (purged binary logs) keep sites of their own.
 */
final class FaultPair {
    private static final Logger LOG = LoggerFactory.getLogger(FaultPair.class);
    private static TestSite a;
    private static TestSite b;

    private FaultPair() {
    }

    /** Starts the pair on first use; afterwards, returns it once healthy (or a new one). */
    static synchronized void get() throws Exception {
        if (a != null) {
            try {
                GroupSites.awaitHealthy(a, b);
                return;
            } catch (AssertionError | RuntimeException e) {
                LOG.warn("the shared fault pair is not healthy after the last test; starting a new one: {}",
                        e.getMessage());
                GroupSites.closeAll(b, a);
                a = null;
            }
        }
        TestSite[] pair = GroupSites.twoPeers("faults");
        a = pair[0];
        b = pair[1];
        GroupSites.awaitHealthy(a, b);
        if (!hooked) {
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(FaultPair::close));
        }
    }

    private static boolean hooked;

    static synchronized TestSite a() {
        return a;
    }

    static synchronized TestSite b() {
        return b;
    }

    /** Restarts b with its name and port and the given settings; returns (and keeps) the new b. */
    static synchronized TestSite restartB(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("site.name", "b");
        all.put("port", Integer.toString(b.site.port()));
        b = b.restart(all);
        return b;
    }

    private static synchronized void close() {
        GroupSites.closeAll(b, a);
    }
}
