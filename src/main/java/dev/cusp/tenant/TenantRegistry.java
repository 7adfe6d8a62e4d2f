package dev.cusp.tenant;

import dev.cusp.error.CuspException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The site's list of tenants, kept in the node's {@code cusp} control database. */
public final class TenantRegistry {
    private static final String COLUMNS = "name, tenant_id, db_name, db_user, db_password_enc, status, schema_version,"
            + " created_at";
    private final DataSource admin;

    public TenantRegistry(DataSource admin) {
        this.admin = admin;
    }

    /** Reserves name and id; fails with CONFLICT naming the one already taken. */
    public void reserve(Tenant t) {
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cusp.tenant (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,NOW(3))")) {
            ps.setString(1, t.name());
            ps.setInt(2, t.id());
            ps.setString(3, t.dbName());
            ps.setString(4, t.dbUser());
            ps.setString(5, t.sealedPassword());
            ps.setString(6, t.status().label());
            ps.setString(7, t.schemaVersion());
            ps.executeUpdate();
        } catch (SQLIntegrityConstraintViolationException e) {
            if (find(t.name()).isPresent()) {
                throw new CuspException(dev.cusp.error.ErrorCode.CONFLICT, "tenant '" + t.name()
                        + "' already exists; choose another name or see it with 'cusp tenant show " + t.name() + "'",
                        "name");
            }
            throw new CuspException(dev.cusp.error.ErrorCode.CONFLICT, "tenant id " + t.id()
                    + " is already used by another tenant; choose another id", "id");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void update(String name, Tenant.Status status, String schemaVersion) {
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE cusp.tenant SET status = ?, schema_version = COALESCE(?, schema_version) WHERE name = ?")) {
            ps.setString(1, status.label());
            ps.setString(2, schemaVersion);
            ps.setString(3, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void delete(String name) {
        try (Connection c = admin.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM cusp.tenant WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Tenant> find(String name) {
        List<Tenant> l = query("WHERE name = ?", name);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public Optional<Tenant> findById(int id) {
        List<Tenant> l = query("WHERE tenant_id = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public Tenant require(String name) {
        return find(name).orElseThrow(() -> CuspException.notFound("no tenant named '" + name
                + "' on this site; 'cusp tenant list' shows the tenants"));
    }

    public List<Tenant> all() {
        return query("ORDER BY name");
    }

    /** Whether the practice's database exists on this node (not dropped by hand, not mid-swap in a restore). */
    public boolean databaseExists(Tenant t) {
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
            ps.setString(1, t.dbName());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Tenant> query(String where, Object... args) {
        try (Connection c = admin.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM cusp.tenant " + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Tenant> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Tenant(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Tenant.Status.valueOf(rs.getString(6).toUpperCase()), rs.getString(7),
                            rs.getTimestamp(8).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
