package dev.cusp.group;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * Tenants changed by replication (created, suspended, resumed, dropped at another site) are
 * forgotten by this site's caches and pools, as a local change would be. Looked at once per
 * reconcile.
 */
final class TenantWatch {
    private final DataSource admin;
    private final BiConsumer<String, Boolean> tenantChanged;
    private Map<String, String> stamps = Map.of();

    /** {@code tenantChanged}: a tenant's name and whether it is now closed (suspended or gone). */
    TenantWatch(DataSource admin, BiConsumer<String, Boolean> tenantChanged) {
        this.admin = admin;
        this.tenantChanged = tenantChanged;
    }

    /** Compares the tenants with the last look and reports each that changed. */
    void look() {
        Map<String, String> now = new HashMap<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, status, updated_at FROM cusp.tenant")) {
            while (rs.next()) {
                now.put(rs.getString(1), rs.getString(2) + "@" + rs.getString(3));
            }
        } catch (SQLException e) {
            return;
        }
        Map<String, String> before = stamps;
        stamps = now;
        if (before.isEmpty() && !now.isEmpty()) {
            return;
        }
        for (var e : before.entrySet()) {
            String after = now.get(e.getKey());
            if (after == null || !after.equals(e.getValue())) {
                boolean closed = after == null || !after.startsWith("active@");
                tenantChanged.accept(e.getKey(), closed);
            }
        }
    }
}
