package dev.cusp.update;

import dev.cusp.tenant.TenantObjects;
import dev.cusp.wire.SchemaView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;

/**
 * A tenant database's schema as one site's node holds it: the Flyway version applied (the
 * history table is the truth), any failed migration, and a fingerprint of every table's
 * columns, so two sites can be compared without shipping the schema.
 */
record SchemaState(String version, List<String> failed, String shape, int tables) {

    static SchemaState read(DataSource admin, String db) {
        String[] versionOf = {null};
        List<String> failed = new ArrayList<>();
        try (Connection c = admin.getConnection()) {
            // The history is the practice's table, read by the admin account: only as a base table.
            TenantObjects.withBaseTables(c, db, List.of("flyway_schema_history"), () -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version, success,"
                        + " script FROM `" + db + "`.flyway_schema_history WHERE version IS NOT NULL"
                        + " ORDER BY installed_rank")) {
                    while (rs.next()) {
                        if (rs.getBoolean(2)) {
                            if (versionOf[0] == null || Long.parseLong(rs.getString(1)) > Long.parseLong(versionOf[0])) {
                                versionOf[0] = rs.getString(1);
                            }
                        } else {
                            failed.add("V" + rs.getString(1) + " (" + rs.getString(3) + ")");
                        }
                    }
                }
                return null;
            });
            String version = versionOf[0];
            StringBuilder sb = new StringBuilder();
            int tables = 0;
            String last = "";
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name, column_type, is_nullable"
                    + " FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position")) {
                ps.setString(1, db);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!rs.getString(1).equals(last)) {
                            last = rs.getString(1);
                            tables++;
                        }
                        sb.append(rs.getString(1)).append('.').append(rs.getString(2)).append(' ')
                                .append(rs.getString(3)).append(' ').append(rs.getString(4)).append('\n');
                    }
                }
            }
            return new SchemaState(version, failed, sha256(sb.toString()), tables);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema of " + db + ": " + e.getMessage(), e);
        }
    }

    SchemaView describe() {
        return new SchemaView(version, failed, shape, tables);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
