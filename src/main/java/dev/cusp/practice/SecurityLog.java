package dev.cusp.practice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Writes the tenant's security log: who, when, which site, what. In the caller's transaction. */
public final class SecurityLog {
    private SecurityLog() {
    }

    public static void write(Connection c, Actor actor, String action, String entity, Long entityId, String details)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO security_log (user_name, site, action, entity,"
                + " entity_id, details) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, actor.userName());
            ps.setString(2, actor.site());
            ps.setString(3, action);
            ps.setString(4, entity);
            if (entityId == null) {
                ps.setNull(5, java.sql.Types.BIGINT);
            } else {
                ps.setLong(5, entityId);
            }
            ps.setString(6, details);
            ps.executeUpdate();
        }
    }
}
