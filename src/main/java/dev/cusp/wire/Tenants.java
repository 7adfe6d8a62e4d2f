package dev.cusp.wire;

import java.util.List;

/** {@code GET /admin/tenants}: every tenant of the site. */
public record Tenants(List<TenantView> tenants) {
}
