package dev.cusp.maintenance;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.wire.DbmFixed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs maintenance methods at this site, always through the practice's own database pool (never
 * the site admin's account): even a bug here cannot reach another practice's data. Fixes run with
 * the binary log on (the practice's user cannot turn it off), so replication carries them.
 */
public final class LocalMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMaintenance.class);
    /** Rounds a fix may take (a merged-into chain moves one hop a round) before it is rolled back. */
    static final int MAX_ROUNDS = 10;

    private final TenantPools pools;

    public LocalMaintenance(TenantPools pools) {
        this.pools = pools;
    }

    /** What each method's check finds here, by method name. */
    public Map<String, Finding> check(Tenant t, List<MaintenanceMethod> methods) {
        Map<String, Finding> out = new LinkedHashMap<>();
        try (TenantPools.Lease lease = pools.lease(t)) {
            Connection c = lease.connection();
            for (MaintenanceMethod m : methods) {
                out.put(m.name(), find(c, m));
            }
        } catch (SQLException e) {
            throw failed(t, "check", e);
        }
        return out;
    }

    /**
     * Runs one method's fix in one transaction: check, fix, check again (a few rounds at most),
     * write the security log, commit. A fix that does not leave the check empty is rolled back.
     */
    public DbmFixed fix(Tenant t, MaintenanceMethod m, Actor actor, boolean override, String requestedBy) {
        if (!m.replicationSafe() && !override) {
            throw new CuspException(ErrorCode.FORBIDDEN, m.name() + " is not safe under replication: " + m.safety()
                    + ". Run it only with --allow-unsafe", "allow_unsafe");
        }
        try (TenantPools.Lease lease = pools.lease(t)) {
            Connection c = lease.connection();
            c.setAutoCommit(false);
            try {
                Finding before = find(c, m);
                long changed = 0;
                Finding now = before;
                for (int round = 0; now.count() > 0; round++) {
                    if (round == MAX_ROUNDS) {
                        throw new CuspException(ErrorCode.CONFLICT, "the fix of " + m.name() + " still leaves "
                                + now.count() + " row(s) after " + MAX_ROUNDS + " rounds; nothing was changed");
                    }
                    long thisRound = 0;
                    try (Statement st = c.createStatement()) {
                        for (String sql : m.fixSql()) {
                            thisRound += st.executeUpdate(sql);
                        }
                    }
                    changed += thisRound;
                    now = find(c, m);
                    if (thisRound == 0 && now.count() > 0) {
                        throw new CuspException(ErrorCode.CONFLICT, "the fix of " + m.name() + " changes nothing but "
                                + now.count() + " row(s) remain; nothing was changed");
                    }
                }
                if (before.count() > 0) {
                    String details = "dbm fix " + m.name() + ": " + before.count() + " row(s) of " + m.table()
                            + " found, " + changed + " row change(s); keys " + before.ids()
                            + (before.count() > before.ids().size() ? " ..." : "")
                            + (requestedBy == null ? "" : "; asked by " + requestedBy);
                    SecurityLog.write(c, actor, "dbm-fix", "dbm", null, details);
                    if (!m.replicationSafe()) {
                        SecurityLog.write(c, actor, "dbm-unsafe-override", "dbm", null, "ran " + m.name()
                                + ", which is not safe under replication (" + m.safety() + "), with --allow-unsafe");
                    }
                }
                c.commit();
                LOG.info("tenant {}: dbm fix {}: {} row(s) found, {} row change(s)", t.name(), m.name(),
                        before.count(), changed);
                return new DbmFixed(m.name(), m.replicationSafe(), before.describe(), changed,
                        !m.replicationSafe() && before.count() > 0, null, null);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(t, "fix " + m.name(), e);
        }
    }

    private static Finding find(Connection c, MaintenanceMethod m) throws SQLException {
        Finding.Builder b = new Finding.Builder();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT f.id FROM (" + m.checkSql() + ") f ORDER BY f.id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                b.add(rs.getLong(1));
            }
        }
        return b.build();
    }

    private static CuspException failed(Tenant t, String what, SQLException e) {
        return new CuspException(ErrorCode.UNAVAILABLE, "tenant " + t.name() + ": maintenance " + what + " failed ("
                + e.getMessage() + ")", null, e);
    }
}
