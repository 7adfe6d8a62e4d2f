package dev.cusp.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code restore.binlog.flush.minutes}: the node's current binary log, which holds the newest
 * writes, reaches the archive in the backup folder within that time, with no restore and no
 * 1 GB rotation to close it.
 */
@Tag("slow")
class BinlogFlushIT {
    static TestSite site;

    @BeforeAll
    static void start() {
        site = TestSite.start("rflush", Map.of("restore.binlog.flush.minutes", "1"));
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    static String liveBinlog() throws Exception {
        try (var c = site.site.node().adminConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theNewestWritesReachTheArchiveWithinTheFlushTime() throws Exception {
        TenantService.Created t = site.newTenant("rfl");
        String token = site.login(t);
        String live = liveBinlog();
        // Written after the look: whatever the archive did meanwhile, the live file has news.
        var r = site.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", "Newest", "first_name", "X"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        var archived = site.site.restorer().archive().dir().resolve(live);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> Files.exists(archived));
        assertThat(liveBinlog()).as("the node writes a new file").isNotEqualTo(live);
    }
}
