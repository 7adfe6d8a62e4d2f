package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** {@code GET /admin/tenants/{name}}: a tenant with its databases and its documents folder. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantDetail(String name, int id, String database, String dbUser, String status, String schemaVersion,
                           String createdAt, long sizeBytes, List<String> databases, String documents) {
    public static TenantDetail of(TenantView t, List<String> databases, String documents) {
        return new TenantDetail(t.name(), t.id(), t.database(), t.dbUser(), t.status(), t.schemaVersion(),
                t.createdAt(), t.sizeBytes() == null ? 0 : t.sizeBytes(), databases, documents);
    }
}
