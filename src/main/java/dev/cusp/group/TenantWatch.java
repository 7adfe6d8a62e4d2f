package dev.cusp.group;

import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * Tenants changed by replication (created, suspended, resumed, dropped at another site) are
 * forgotten by this site's caches and pools, as a local change would be. Looked at once per
 * reconcile.
 *
 * <p>Each look also ends, at this node, the open database sessions of every suspended
 * practice's account and of the account of a practice that is gone since the last look. The
 * replicated lock and drop only refuse the next login: a program connected straight to this
 * node with the practice's password would otherwise write on. The site that suspends also asks
 * the others to cut at once ({@code POST /api/v1/peer/suspend/cut}); this look is what holds
 * when that call is lost, and the only cut for a drop.
 */
final class TenantWatch {
    /** A practice's database account as {@code Tenant.dbNameFor} names it: od_NAME_ID. */
    private static final java.util.regex.Pattern PRACTICE_ACCOUNT = java.util.regex.Pattern.compile(
            "od_[a-z][a-z0-9]{0,31}_[0-9]+");
    private final DataSource admin;
    private final BiConsumer<String, Boolean> tenantChanged;
    private Map<String, String> stamps = Map.of();
    /** Each tenant's database account at the last look: what to cut once the tenant is gone. */
    private Map<String, String> users = Map.of();

    /** {@code tenantChanged}: a tenant's name and whether it is now closed (suspended or gone). */
    TenantWatch(DataSource admin, BiConsumer<String, Boolean> tenantChanged) {
        this.admin = admin;
        this.tenantChanged = tenantChanged;
    }

    /** Compares the tenants with the last look, reports each that changed and cuts the closed ones. */
    void look() {
        Map<String, String> now = new HashMap<>();
        Map<String, String> accounts = new HashMap<>();
        List<String> suspended = new ArrayList<>();
        java.util.Set<String> connected = new java.util.HashSet<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            // Who is connected, read before the tenants: a practice's row is written before its
            // account exists (here too: replication keeps that order), so an account connected
            // here that no row names belongs to a practice dropped since, even one created and
            // dropped between two looks, which the comparison below never saw.
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT user FROM information_schema.processlist"
                    + " WHERE user LIKE 'od\\_%'")) {
                while (rs.next()) {
                    if (PRACTICE_ACCOUNT.matcher(rs.getString(1)).matches()) {
                        connected.add(rs.getString(1));
                    }
                }
            }
            ResultSet rs = s.executeQuery("SELECT name, status, updated_at, db_user FROM cusp.tenant");
            while (rs.next()) {
                now.put(rs.getString(1), rs.getString(2) + "@" + rs.getString(3));
                accounts.put(rs.getString(1), rs.getString(4));
                if (Tenant.Status.SUSPENDED.label().equals(rs.getString(2))) {
                    suspended.add(rs.getString(4));
                }
            }
        } catch (SQLException e) {
            return;
        }
        Map<String, String> before = stamps;
        Map<String, String> usersBefore = users;
        stamps = now;
        users = accounts;
        // Every look, not only on a change: a suspend that arrived before this site's first look
        // (replication catching up after a start) is cut too.
        List<String> cut = new ArrayList<>(suspended);
        connected.removeAll(accounts.values());
        cut.addAll(connected);
        if (!before.isEmpty() || now.isEmpty()) {
            for (var e : before.entrySet()) {
                String after = now.get(e.getKey());
                if (after == null || !after.equals(e.getValue())) {
                    boolean closed = after == null || !after.startsWith("active@");
                    tenantChanged.accept(e.getKey(), closed);
                }
                if (after == null && usersBefore.get(e.getKey()) != null) {
                    cut.add(usersBefore.get(e.getKey()));
                }
            }
        }
        try {
            TenantService.killSessions(admin, cut);
        } catch (SQLException e) {
            Group.LOG.warn("group: cannot end the sessions of suspended or dropped practices here: {}", e.getMessage());
        }
    }
}
