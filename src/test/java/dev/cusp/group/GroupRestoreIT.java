package dev.cusp.group;

import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitHealthy;
import static dev.cusp.group.GroupSites.awaitSameData;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.join;
import static dev.cusp.group.GroupSites.login;
import static dev.cusp.group.GroupSites.peersAndReplica;
import static dev.cusp.group.GroupSites.waitJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupManifest;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A restore in a group of two peers (a, b) and a report replica (c) of a: the practice restored
 * at a is put in place at every site (the same tables, by snapshot transfer), every link stays
 * healthy, and another practice written at b all through the restore loses nothing.
 */
class GroupRestoreIT {
    static TestSite a;
    static TestSite b;
    static TestSite c;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] sites = peersAndReplica("grestore");
        a = sites[0];
        b = sites[1];
        c = sites[2];
    }

    @AfterAll
    static void stop() {
        for (TestSite s : new TestSite[] {c, b, a}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static String names(TestSite s, String db) throws Exception {
        try (var conn = s.site.node().adminConnection(); var st = conn.createStatement();
             var rs = st.executeQuery("SELECT GROUP_CONCAT(last_name ORDER BY id) FROM `" + db + "`.patient")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aRestoreAtOnePeerReachesEverySiteAndLosesNothingElse() throws Exception {
        TenantService.Created t = a.newTenant("grst");
        TenantService.Created other = a.newTenant("grso");
        String db = t.tenant().dbName();
        awaitConverged(a, b, c);
        String tokenA = login(a, t);
        addPatient(a, t.tenant().name(), tokenA, "KeptA");
        a.site.backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        awaitConverged(a, b, c);
        String tokenB = login(b, t);
        addPatient(b, t.tenant().name(), tokenB, "KeptB");
        awaitConverged(a, b, c);
        Instant moment = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Instant.now().isBefore(moment.plusSeconds(1)));
        addPatient(a, t.tenant().name(), tokenA, "DroppedA");
        awaitConverged(a, b, c);

        // Another practice is written at b all through the restore.
        String otherToken = login(b, other);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicBoolean run = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; run.get(); i++) {
                acked.add(addPatient(b, other.tenant().name(), otherToken, "During" + i));
            }
        });
        TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore",
                Map.of("to", moment.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode done = waitJob(a, r.json().get("id").asText(), null);
        run.set(false);
        writer.join();
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");

        awaitConverged(a, b, c);
        awaitHealthy(a, b, c);
        for (TestSite s : new TestSite[] {a, b, c}) {
            assertThat(names(s, db)).as(s.site.group().siteName()).isEqualTo("KeptA,KeptB");
        }
        awaitSameData(db, a, b, c);
        awaitSameData(other.tenant().dbName(), a, b, c);
        assertThat(acked).isNotEmpty();
        for (TestSite s : new TestSite[] {a, b, c}) {
            assertThat(count(s, "SELECT COUNT(*) FROM `" + other.tenant().dbName() + "`.patient"))
                    .as("every write acknowledged at b during the restore, at " + s.site.group().siteName())
                    .isEqualTo(acked.size());
        }
        // The practice serves again everywhere, and takes writes that replicate.
        addPatient(b, t.tenant().name(), login(b, t), "AfterRestore");
        awaitConverged(a, b, c);
        assertThat(names(c, db)).isEqualTo("KeptA,KeptB,AfterRestore");
        awaitHealthy(a, b, c);

        // With a site of the group down, a restore is refused before anything changes, naming it.
        c.close();
        c = null;
        TestSite.Response refused = a.callUnchecked("POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore",
                GroupSites.adminToken(a), Map.of("to", moment.toString()));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().at("/error/message").asText()).contains("every link healthy").contains("site c");
        assertThat(names(a, db)).isEqualTo("KeptA,KeptB,AfterRestore");
    }
}
