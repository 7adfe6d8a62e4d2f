package dev.cusp.group;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DISK_LOW (issue 15, fault 8): the disks this site writes to (the node's data and binary
 * logs, the documents, the site folder) are checked every look, and an alert is raised while
 * one has less free space than {@code monitor.disk.min.free.percent} of its size or
 * {@code monitor.disk.min.free.mb}: before MariaDB stops on a full disk (DISK_FULL), which
 * breaks replication. It clears by itself when space is freed.
 */
final class DiskWatch {
    static final String ALERT = "disk";
    private final Membership site;
    private final Monitor monitor;
    private final Map<String, Path> watched;
    private final int minPercent;
    private final long minBytes;

    /** What a site watches, by name: the node's data (binary logs included), the practices' files, the site folder. */
    static Map<String, Path> siteFolders(Path nodeData, dev.cusp.site.SiteHome home) {
        Map<String, Path> disks = new LinkedHashMap<>();
        disks.put("database and binary logs", nodeData);
        disks.put("documents", home.documents());
        disks.put("site folder", home.dir());
        return disks;
    }

    /** {@code watched}: the folders Cusp keeps data in, each by what it holds, in the order shown. */
    DiskWatch(Membership site, Monitor monitor, Map<String, Path> watched, int minPercent, long minMb) {
        this.site = site;
        this.monitor = monitor;
        this.watched = new LinkedHashMap<>(watched);
        this.minPercent = minPercent;
        this.minBytes = minMb * 1048576L;
    }

    /** One disk as seen now. */
    record Disk(String what, Path path, long usable, long total) {
        long freePercent() {
            return total == 0 ? 100 : usable * 100 / total;
        }
    }

    /** The disks, one entry per file system, each named by what Cusp keeps on it. */
    List<Disk> disks() {
        Map<FileStore, Disk> byStore = new LinkedHashMap<>();
        for (var e : watched.entrySet()) {
            try {
                if (!Files.exists(e.getValue())) {
                    continue;
                }
                FileStore fs = Files.getFileStore(e.getValue());
                Disk d = byStore.get(fs);
                byStore.put(fs, d == null ? new Disk(e.getKey(), e.getValue(), fs.getUsableSpace(), fs.getTotalSpace())
                        : new Disk(d.what() + ", " + e.getKey(), d.path(), d.usable(), d.total()));
            } catch (IOException ex) {
                Group.LOG.debug("disk: cannot read {}: {}", e.getValue(), ex.getMessage());
            }
        }
        return new ArrayList<>(byStore.values());
    }

    /** True when a disk is below either threshold. */
    boolean low(Disk d) {
        return d.usable() < minBytes || d.freePercent() < minPercent;
    }

    void run() {
        List<String> low = new ArrayList<>();
        for (Disk d : disks()) {
            if (low(d)) {
                low.add(String.format(java.util.Locale.ROOT, "%s (%s): %d%% free of %d GB", d.what(), d.path(),
                        d.freePercent(), d.total() / 1073741824));
            }
        }
        if (low.isEmpty()) {
            monitor.clearSiteAlert(ALERT);
            return;
        }
        String site = this.site.siteName();
        // Whole percents: the message changes (and the alert is raised again) only when the
        // shortage does, not with every megabyte written.
        monitor.siteAlert(ALERT, Fault.DISK_LOW, "disk space is low at " + site + " (below "
                + minPercent + "% or " + minBytes / 1048576 + " MB free): " + String.join("; ", low),
                Fault.DISK_LOW.fix(site, site));
    }
}
