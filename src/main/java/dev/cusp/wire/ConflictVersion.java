package dev.cusp.wire;

/**
 * One side of a replication conflict: the site whose change it was, the change (insert, update,
 * delete), and the row as that change left it (null when the row was absent).
 */
public record ConflictVersion(String site, String change, Row image) {
}
