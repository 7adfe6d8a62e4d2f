package dev.cusp.wire;

/** What restoring a conflict's losing version did. */
public record ConflictRestored(String tenant, long id, String restored) {
}
