package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code GET /admin/group}: the replication group as this site sees it. A standalone site
 * answers only {@code state} (standalone) and no sites; a member answers the topology, the
 * writers' capacity, the update site and every site.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GroupView(@JsonInclude(JsonInclude.Include.NON_NULL) String state, @JsonInclude(JsonInclude.Include.NON_NULL) String topology, @JsonInclude(JsonInclude.Include.NON_NULL) Integer capacity, @JsonInclude(JsonInclude.Include.NON_NULL) String updateSite,
                        List<SiteView> sites) {
}
