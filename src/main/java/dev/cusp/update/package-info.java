/**
 * Updates: {@code cusp update} (every tenant, coordinated across the replication group from
 * the one designated update site) and {@code cusp tenant update NAME} (one tenant, in its own
 * window). Both check the group first, back up at every site without replicating the
 * backup, migrate once so the migration replicates, and verify every site before resuming.
 */
package dev.cusp.update;
