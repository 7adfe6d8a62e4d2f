package dev.cusp.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The record of one backup, {@code manifest.json} in its folder (see the package description).
 * Written once, when the backup is complete, and never changed: a drill's result goes to its own
 * file beside it.
 *
 * @param format        {@value #FORMAT}; a reader refuses any other
 * @param id            the backup's id, unique per practice database ({@code yyyyMMdd-HHmmss},
 *                      UTC, with {@code -N} when two fall in one second)
 * @param tenant        the practice's name when the backup was made
 * @param tenantId      the practice's id
 * @param database      the practice's database ({@code od_NAME_ID})
 * @param schemaVersion the practice's schema version (Flyway) at the backup
 * @param kind          why it was made: {@code scheduled}, {@code manual}, or another caller's word
 *                      (only {@code scheduled} backups are subject to retention)
 * @param method        how: {@code tablespace} (see the package description)
 * @param site          the site that made it
 * @param serverId      that site's node {@code server_id}
 * @param createdAt     when the practice's tables were locked: the moment the backup shows
 * @param gtidPosition  {@code @@gtid_binlog_pos} read under the lock: every transaction of the
 *                      practice at or before it is in the backup, none after it; a roll-forward
 *                      replays the practice's own transactions after it
 * @param lockMillis    how long the practice's writers were held: from {@code FLUSH TABLES ... FOR
 *                      EXPORT} (which waits for the tables' running writes and writes their dirty
 *                      pages) to {@code UNLOCK TABLES}
 * @param elapsedMillis how long the whole backup took
 * @param bytes         the backup's size on disk (compressed files)
 * @param rawBytes      the size of the tables' files before compression
 * @param tables        every table, in load order
 * @param triggers      the practice's triggers, in creation order (loaded only on request)
 * @param skipped       objects of the practice's database not in the backup, by name with their
 *                      kind: empty since views, routines and events are carried (schema/objects.json.zst);
 *                      a backup made before that lists them here
 * @param files         every file of the backup with its SHA-256: the list a verification checks
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackupManifest(String format, String id, String tenant, int tenantId, String database,
                             String schemaVersion, String kind, String method, String site, long serverId,
                             Instant createdAt, String gtidPosition, long lockMillis, long elapsedMillis, long bytes,
                             long rawBytes, List<Table> tables, List<Trigger> triggers, Map<String, String> skipped,
                             List<FileEntry> files) {
    public static final String FORMAT = "cusp-backup-1";
    public static final String METHOD_TABLESPACE = "tablespace";
    public static final String KIND_SCHEDULED = "scheduled";
    public static final String KIND_MANUAL = "manual";

    public BackupManifest {
        tables = List.copyOf(tables);
        triggers = List.copyOf(triggers);
        skipped = Map.copyOf(skipped);
        files = List.copyOf(files);
    }

    /**
     * One table.
     *
     * @param name        its name (letters, digits and underscores only: also its file name)
     * @param createTable {@code SHOW CREATE TABLE} under the backup's lock (no database name in it)
     * @param rows        its exact row count at the backup
     * @param tablespace  the file entry ({@link #files()}) of its {@code .ibd}
     * @param config      the file entry of its {@code .cfg}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Table(String name, String createTable, long rows, String tablespace, String config) {
    }

    /**
     * One trigger: {@code SHOW CREATE TRIGGER}'s statement (with its definer, the practice's
     * user) and the {@code sql_mode} it was made under.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Trigger(String name, String sqlMode, String createTrigger) {
    }

    /**
     * One file of the backup.
     *
     * @param path     relative to the backup's folder, {@code /}-separated, never {@code ..}
     * @param kind     {@code tablespace}, {@code table-config}; {@code document} is reserved for
     *                 the practice's documents
     * @param bytes    its size as stored
     * @param rawBytes its size before compression
     * @param sha256   lower-case hex SHA-256 of the file as stored
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FileEntry(String path, String kind, long bytes, long rawBytes, String sha256) {
    }

    /** The row count of every table, by name. */
    public Map<String, Long> rowCounts() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        tables.forEach(t -> out.put(t.name(), t.rows()));
        return out;
    }

    /** The file entry at {@code path}. */
    public FileEntry file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst()
                .orElseThrow(() -> new IllegalStateException("manifest of " + id + " lists no file " + path));
    }
}
