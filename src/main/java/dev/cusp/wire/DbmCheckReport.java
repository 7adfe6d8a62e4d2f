package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The result of {@code cusp dbm check}.
 *
 * @param sites        the sites that ran the checks
 * @param sitesMissing the sites that could not, and why
 * @param gtidPosition the position every site checked at (null for this site alone)
 * @param agree        whether every active site found the same rows for every method
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmCheckReport(boolean allSites, List<String> sites, List<LeftOut> sitesMissing, String gtidPosition,
                             int methodsChecked, List<DbmTenantReport> tenants, long rowsFound, int differing,
                             int incompleteTenants, boolean agree, double seconds) {
}
