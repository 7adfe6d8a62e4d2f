/**
 * Data checks across a replication group and their repair: chunked checksums of every tenant
 * table computed at every site at an aligned GTID position, drilled down to the rows that
 * differ, and fixes written at one chosen site so that replication carries them to the others
 * (the method of Percona's pt-table-checksum and pt-table-sync).
 */
package dev.cusp.check;
