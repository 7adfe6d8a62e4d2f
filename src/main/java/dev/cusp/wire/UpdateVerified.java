package dev.cusp.wire;

import java.util.Map;

/** A site's answer to {@link UpdateVerify}: whether it reached the position in time, and each tenant's schema. */
public record UpdateVerified(String site, boolean reached, Map<String, SchemaView> tenants) {
}
