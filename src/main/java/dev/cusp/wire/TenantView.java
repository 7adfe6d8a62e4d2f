package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A tenant (one practice) as the admin API lists it, and as suspend and resume answer it.
 *
 * @param status        creating, active, suspended or updating
 * @param schemaVersion the practice schema's version its database is at
 * @param sizeBytes     its databases' size on disk; absent from the answers of suspend and resume
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantView(String name, int id, String database, String dbUser, String status, String schemaVersion,
                         String createdAt, @JsonInclude(JsonInclude.Include.NON_NULL) Long sizeBytes) {
}
