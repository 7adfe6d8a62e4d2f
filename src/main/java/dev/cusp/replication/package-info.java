/**
 * Replication between sites, done by MariaDB's own GTID replication: Cusp creates the
 * accounts and channels, seeds new nodes, and reads link state; it never carries data itself.
 */
package dev.cusp.replication;
