package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /admin/group/reseed}: the site to re-seed (null: this one), the peer to copy from
 * (null: any), and whether its local-only transactions may be discarded.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReseedRequest(String site, String from, boolean discardLocal) {
}
