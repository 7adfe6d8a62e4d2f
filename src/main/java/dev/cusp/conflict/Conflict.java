package dev.cusp.conflict;

/**
 * One conflict as the resolver saw it at {@code detectedSite}: the local and the incoming
 * version of the row (each a JSON image and the change that made it: insert, update, delete —
 * for a delete, the image is the version that was deleted), which one won, and by which rule.
 */
record Conflict(String detectedSite, String kind, String table, Long rowId, String localSite, String localChange,
                String localImage, String incomingSite, String incomingChange, String incomingImage, String winner,
                String rule, String gtid) {
    static final String NEWEST = "the newest change wins (changed_at, then the higher server_id)";
    static final String DELETE_WINS = "a delete wins over an update (conflicts.delete.wins=true)";
    static final String UPDATE_WINS = "an update wins over a delete (conflicts.delete.wins=false)";
}
