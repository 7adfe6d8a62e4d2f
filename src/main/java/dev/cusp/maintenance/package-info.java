/**
 * Database maintenance ({@code cusp dbm}): a catalog of check/fix methods over the practice
 * schema (orphans, broken guarantors, duplicates, impossible values), run as the practice's own
 * database user, compared method by method across the sites of a replication group, and fixed
 * at one site only so that replication carries the fix. Methods that are not safe under
 * replication say why and need the authenticated site admin's explicit override; every fix and
 * every override is written to the practice's security log.
 */
package dev.cusp.maintenance;
