/**
 * Point-in-time recovery of one practice: the archive of the node's closed binary logs, the
 * replay of one practice's own changes from a backup's GTID position up to a moment (by
 * MariaDB's own replication applier, in a scratch server), and the swap of the result into the
 * node. Cusp reads only binary log event headers (times, GTIDs, offsets) to find where to
 * start and stop; the rows themselves are applied by MariaDB.
 */
package dev.cusp.restore;
