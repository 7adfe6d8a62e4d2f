package dev.cusp.group;

import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.closeAll;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.login;
import static dev.cusp.group.GroupSites.twoPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a peer's database node in the middle of a load: the other peer sees the link
 * disconnected and keeps writing; after the restart replication resumes with every
 * acknowledged write present everywhere, nothing lost and nothing applied twice.
 */
@Tag("slow")
class CrashIT {
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] pair = twoPeers("crash");
        a = pair[0];
        b = pair[1];
    }

    @AfterAll
    static void stop() {
        closeAll(b, a);
    }

    @Test
    void killedNodeMidLoadResumesWithNothingLostOrDoubled() throws Exception {
        TenantService.Created t = a.newTenant("crash");
        awaitConverged(a, b);
        String tenant = t.tenant().name();
        String tokenA = login(a, t);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicBoolean run = new AtomicBoolean(true);
        Thread loadA = Thread.ofPlatform().start(() -> {
            for (int i = 0; run.get(); i++) {
                acked.add(addPatient(a, tenant, tokenA, "LoadA" + i));
            }
        });
        String tokenB = login(b, t);
        for (int i = 0; i < 50; i++) {
            acked.add(addPatient(b, tenant, tokenB, "LoadB" + i));
        }
        // kill -9 of b's node while a writes and replicates to it.
        long pid = Long.parseLong(Files.readString(b.site.node().config().pidFile()).trim());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        JsonNode st = MonitorIT.awaitStatus(a, s -> s.at("/links/0/state").asText().equals("disconnected"));
        assertThat(st.at("/links/0/detail").asText()).contains("cannot reach the source");
        // a keeps taking writes while b's node is down, and again once b is back.
        int whileDown = acked.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= whileDown + 20);
        b = b.restart(Map.of("site.name", "b"));
        int afterRestart = acked.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= afterRestart + 20);
        run.set(false);
        loadA.join();
        String tokenB2 = login(b, t);
        for (int i = 0; i < 20; i++) {
            acked.add(addPatient(b, tenant, tokenB2, "AfterB" + i));
        }
        awaitConverged(a, b);
        MonitorIT.awaitStatus(b, s -> s.at("/links/0/state").asText().equals("healthy"));
        MonitorIT.awaitStatus(a, s -> s.at("/links/0/state").asText().equals("healthy"));
        String db = t.tenant().dbName();
        String ids = acked.stream().map(String::valueOf).reduce((x, y) -> x + "," + y).orElseThrow();
        for (TestSite s : new TestSite[] {a, b}) {
            assertThat(count(s, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE id IN (" + ids + ")"))
                    .as("every acknowledged write at " + s.site.group().siteName()).isEqualTo(acked.size());
        }
        GroupSites.awaitSameData(db, a, b);
        assertThat(acked.size()).isGreaterThan(70);
    }
}
