package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The answer to a tenant's creation: the tenant, and the credentials shown this once (the site
 * keeps the database password encrypted, and only a hash of the practice admin's).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantCreated(String name, int id, String database, String dbUser, String status, String schemaVersion,
                            String createdAt, String dbPassword, String dbHost, int dbPort, String adminUser,
                            String adminPassword, String documents) {
    public static TenantCreated of(TenantView t, String dbPassword, String dbHost, int dbPort, String adminUser,
                                   String adminPassword, String documents) {
        return new TenantCreated(t.name(), t.id(), t.database(), t.dbUser(), t.status(), t.schemaVersion(),
                t.createdAt(), dbPassword, dbHost, dbPort, adminUser, adminPassword, documents);
    }
}
