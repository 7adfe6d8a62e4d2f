package dev.cusp.restore;

import java.time.Instant;

/**
 * The moments a practice can be restored to: from its oldest backup that the binary log archive
 * reaches back to, up to now.
 *
 * @param oldest the oldest moment, or null when there is no backup to start from
 * @param newest now
 */
public record RestoreRange(Instant oldest, Instant newest) {
    /** "between A and B", or why there is none. */
    public String describe() {
        return oldest == null ? "none: the practice has no backup the binary log archive reaches back to (make one"
                + " with 'cusp backup run NAME')" : "between " + oldest + " and " + newest;
    }
}
