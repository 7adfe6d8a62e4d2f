package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real backup folder, with the site's default policy (7 daily, 4 weekly, 12
 * monthly): a real backup is copied into backups made on known days, and exactly the ones the
 * policy does not keep are deleted, manual ones never.
 */
class BackupRetentionIT {
    static final TestSite site = TestSite.shared();
    static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Test
    void retentionDeletesExactlyWhatThePolicySays() throws Exception {
        TenantService.Created t = site.newTenant("retain");
        BackupService backups = site.site.backups();
        BackupStore.Stored real = backups.backup(t.tenant().name(), BackupManifest.KIND_SCHEDULED);
        Path dbFolder = real.folder().getParent();

        List<String> all = new ArrayList<>();
        for (LocalDate d = LocalDate.parse("2026-10-01"); !d.isAfter(LocalDate.parse("2026-12-03")); d = d.plusDays(1)) {
            all.add(copy(real, d.atTime(12, 0), "scheduled"));
        }
        all.add(copy(real, LocalDateTime.parse("2026-12-02T13:00"), "scheduled"));
        all.add(copy(real, LocalDateTime.parse("2026-06-01T12:00"), "manual"));
        backups.store().delete(real);

        List<String> deleted = backups.applyRetention(t.tenant());

        List<String> kept = List.of("20261203-120000", "20261202-130000", "20261201-120000", "20261130-120000",
                "20261129-120000", "20261128-120000", "20261127-120000", // the newest of 7 days
                "20261122-120000", "20261115-120000", // of 4 weeks (with 12-03 and 11-29)
                "20261031-120000", // of 12 months (with 12-03 and 11-30; there are only three)
                "20260601-120000"); // manual: never deleted by retention
        assertThat(backups.list(t.tenant().name())).extracting(s -> s.manifest().id())
                .containsExactlyInAnyOrderElementsOf(kept);
        assertThat(deleted).containsExactlyInAnyOrderElementsOf(all.stream().filter(id -> !kept.contains(id)).toList());
        try (Stream<Path> left = Files.list(dbFolder)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("nothing half-deleted is left")
                    .containsExactlyInAnyOrderElementsOf(kept);
        }
        // A later run keeps the same set.
        assertThat(backups.applyRetention(t.tenant())).isEmpty();
    }

    /** A copy of {@code b} as if made at {@code at} (the site's local time), of {@code kind}; returns its id. */
    static String copy(BackupStore.Stored b, LocalDateTime at, String kind) throws Exception {
        String id = at.format(ID);
        Path to = b.folder().resolveSibling(id);
        try (Stream<Path> files = Files.walk(b.folder())) {
            for (Path p : files.toList()) {
                Path target = to.resolve(b.folder().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        ObjectNode m = (ObjectNode) JsonMapping.MAPPER.readTree(to.resolve("manifest.json").toFile());
        m.put("id", id);
        m.put("kind", kind);
        m.put("created_at", at.atZone(ZoneId.systemDefault()).toInstant().toString());
        Files.writeString(to.resolve("manifest.json"), JsonMapping.MAPPER.writeValueAsString(m));
        return id;
    }
}
