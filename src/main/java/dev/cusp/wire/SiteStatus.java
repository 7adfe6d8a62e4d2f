package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code GET /admin/status}: the site, its database node, its active alerts (also when it is in
 * no group) and its tenants ({@code cusp status} asks {@code /admin/group} for the group).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SiteStatus(About site, NodeStatusView node, List<Alert> alerts, List<TenantView> tenants) {
    /** The same status with its tenants (the site builds the other parts, the admin API the list). */
    public SiteStatus with(List<TenantView> all) {
        return new SiteStatus(site, node, alerts, all);
    }

    /**
     * The site itself.
     *
     * @param home                  the site's folder
     * @param caFingerprintSha256   the site CA's certificate fingerprint, which a join token pins
     * @param openTenantPools       tenant connection pools open now
     * @param openTenantConnections connections open in them
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record About(String name, String version, String url, String home, String caFingerprintSha256,
                        int openTenantPools, int openTenantConnections) {
    }
}
