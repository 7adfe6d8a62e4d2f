package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code GET /admin/conflicts}: every conflict of the tenants asked, newest first, and the
 * tenants whose conflict log could not be read (absent when there are none).
 */
public record ConflictList(String site, int count, List<ConflictView> conflicts,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<Unreadable> unreadable) {
    /** A tenant whose conflicts were not listed, and why. */
    public record Unreadable(String tenant, String reason) {
    }
}
