package dev.cusp.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.node.BeforePurge;
import dev.cusp.support.TestSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The binary log archive on a real node: the purge guard's hook copies every closed file (whole,
 * owner-only) before a purge, a copy is never made twice, each archived file's events are
 * indexed, and retention deletes exactly the files closed longer ago than it.
 */
class BinlogArchiveIT {
    static final TestSite site = TestSite.shared();

    @Test
    void closedLogsAreArchivedBeforeAPurgeAndRetentionDeletesExactlyTheOldOnes() throws Exception {
        BinlogArchive archive = site.site.restorer().archive();
        String closed;
        try (var c = site.site.node().adminConnection(); var s = c.createStatement()) {
            s.execute("FLUSH LOCAL BINARY LOGS");
            try (var rs = s.executeQuery("SHOW BINARY LOGS")) {
                String prev = null;
                String last = null;
                while (rs.next()) {
                    prev = last;
                    last = rs.getString(1);
                }
                closed = prev;
            }
            BeforePurge.run(site.site.node().config(), s);
            assertThat(archive.archive(site.site.node().config(), s)).as("nothing is copied twice").isEmpty();
        }
        Path copy = archive.dir().resolve(closed);
        assertThat(copy).exists();
        assertThat(Files.size(copy)).isEqualTo(Files.size(site.site.node().config().dataDir().resolve(closed)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-------");
        assertThat(archive.indexes()).extracting(BinlogEvents.Index::file).contains(closed);

        List<Path> all = archive.files();
        assertThat(archive.applyRetention(Instant.now())).as("nothing is older than 14 days").isEmpty();
        Instant newest = Files.getLastModifiedTime(all.get(all.size() - 1)).toInstant();
        // 14 days after the newest file closed plus a second: every file is past the retention.
        List<String> gone = archive.applyRetention(newest.plus(Duration.ofDays(14)).plusSeconds(1));
        assertThat(gone).containsExactlyElementsOf(all.stream().map(p -> p.getFileName().toString()).toList());
        assertThat(archive.files()).isEmpty();
    }
}
