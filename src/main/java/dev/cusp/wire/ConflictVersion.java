package dev.cusp.wire;

import java.util.Map;

/**
 * One side of a replication conflict: the site whose change it was, the change (insert, update,
 * delete), and the row as that change left it (null when the row was absent). A row image is
 * the table's columns by name, so it stays a map.
 */
public record ConflictVersion(String site, String change, Map<String, Object> image) {
}
