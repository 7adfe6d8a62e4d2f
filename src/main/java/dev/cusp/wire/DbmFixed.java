package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What one method's fix did at the fixing site.
 *
 * @param found          what its check found before the fix; absent when no site found anything
 * @param unsafeOverride whether a fix not safe under replication ran with the admin's override
 * @param gtidPos        the fixing node's position after the fix, which the other sites wait for
 * @param note           why nothing was done, when nothing was
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmFixed(String method, boolean replicationSafe, @JsonInclude(JsonInclude.Include.NON_NULL) MethodFinding found, long rowsChanged,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Boolean unsafeOverride, @JsonInclude(JsonInclude.Include.NON_NULL) String gtidPos, @JsonInclude(JsonInclude.Include.NON_NULL) String note) {
    public DbmFixed withGtidPos(String pos) {
        return new DbmFixed(method, replicationSafe, found, rowsChanged, unsafeOverride, pos, note);
    }

    public DbmFixed withNote(String why) {
        return new DbmFixed(method, replicationSafe, found, rowsChanged, unsafeOverride, gtidPos, why);
    }
}
