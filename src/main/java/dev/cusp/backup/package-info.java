/**
 * Per-practice backups: made on a schedule, kept by a retention policy, proven restorable by
 * drills, never replicated.
 *
 * <h2>Format (version {@value dev.cusp.backup.BackupManifest#FORMAT})</h2>
 * A backup is one folder, {@code <backup.folder>/<practice database>/<backup id>/}, for example
 * {@code backups/od_springfield_4932/20261203-024500/}:
 * <pre>
 * manifest.json          BackupManifest: what, when, where in the binary log, and a SHA-256 per file
 * tables/T.ibd.zst       table T's InnoDB tablespace, zstd-compressed (with zstd's own frame checksum)
 * tables/T.cfg.zst       its export metadata (FLUSH TABLES ... FOR EXPORT), zstd-compressed
 * schema/objects.json.zst the practice's views, functions, procedures and events (SchemaObjects)
 * verify.json            written by a drill (BackupVerification); absent until the first drill
 * </pre>
 * The folder is written under {@code .partial-<id>} and renamed to {@code <id>} once the
 * manifest is on disk (fsynced), so a folder without the dot is complete; a site killed
 * mid-backup leaves only a {@code .partial-*} folder, removed at the next start. Everything is
 * owner-only. The practice's database account has no FILE privilege and no grant on any
 * database a backup is loaded into, so it can neither read nor change a backup.
 *
 * <h2>Method</h2>
 * {@code tablespace}: the practice's tables are locked for writing ({@code FLUSH TABLES ... FOR
 * EXPORT}) only while their files are copied to a staging folder on the node's own disk; the
 * binary-log GTID position read under that lock is exact for the practice (every transaction of
 * the practice at or before it is in the backup, none after it). Rows are counted on a second
 * connection under the same lock. The copy under the lock is the kernel's ({@code copy_file_range}),
 * two streams side by side; compression and checksums (one pass over each staged file, files side
 * by side) run after the lock is released.
 *
 * <h2>API for other packages</h2>
 * {@link dev.cusp.backup.BackupWriter#write} makes a backup; {@link dev.cusp.backup.BackupStore}
 * finds them ({@code list}, {@code find}); {@link dev.cusp.backup.BackupReader#verifyFiles}
 * checks every file against the manifest without loading; {@link dev.cusp.backup.BackupReader#load}
 * loads a backup into a new database the site names (binary log off: a load never replicates),
 * never running an object the practice made. A restore builds on that load:
 * <pre>{@code
 * BackupService backups = site.backups();
 * BackupStore.Stored b = backups.store().find(tenant.dbName(), id);      // or the newest of backups.list(name)
 * List<String> bad = BackupReader.verifyFiles(b);                          // named problems; empty when sound
 * backups.reader().load(b, "od_new_42", BackupReader.LoadOptions.WITH_TRIGGERS);  // CONFLICT naming a bad file
 * String from = b.manifest().gtidPosition();  // replay the practice's own transactions after this position
 * }</pre>
 * {@code load} creates the target database itself and drops it again if anything fails, so a
 * failed load changes nothing. It checks each file's SHA-256 while reading it (and the files'
 * presence and sizes before it creates anything).
 *
 * <h2>Extension: more files</h2>
 * {@link dev.cusp.backup.BackupManifest#files()} lists every file of the backup with its
 * {@code kind}. The practice's documents are meant to be added as entries of kind
 * {@code document} under {@code documents/} through {@link dev.cusp.backup.BackupWriter.ExtraFiles};
 * verification checks every entry whatever its kind, and the loader ignores kinds it does not load.
 */
package dev.cusp.backup;
