package dev.cusp.cli;

import dev.cusp.tenant.TenantNames;

/** Tenant names checked before they go into a URL, so a bad name gets the same clear error. */
final class TenantPaths {
    private TenantPaths() {
    }

    static String segment(String name) {
        return TenantNames.requireName(name);
    }
}
