package dev.cusp.docsync;

import dev.cusp.document.DocumentStore;
import dev.cusp.tenant.TenantObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The content a practice's {@code document} rows name, read by the site's admin account the one
 * safe way: inside a transaction that first proves {@code document} a base table and holds it
 * so ({@link TenantObjects}). A practice that replaced the table with a view gets no reads from
 * the admin account (its code would run with the admin's rights); its files are not replicated
 * until the table is back, and the refusal is logged.
 */
public final class DocumentRows {
    private static final List<String> TABLE = List.of("document");

    /** One hash a practice's rows name: its size as a row states it and the server that wrote the newest row. */
    public record Ref(String sha256, long size, long changedBy) {
    }

    private DocumentRows() {
    }

    /** Every distinct hash the practice's rows name (rows without one are metadata only). */
    public static List<Ref> refs(DataSource admin, String db) throws SQLException {
        try (Connection c = admin.getConnection()) {
            return TenantObjects.withBaseTables(c, db, TABLE, () -> {
                List<Ref> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT sha256, MAX(IFNULL(size_bytes, -1)),"
                        + " MAX(IFNULL(changed_by, 0)) FROM " + quote(db) + ".document WHERE sha256 IS NOT NULL"
                        + " GROUP BY sha256")) {
                    ps.setFetchSize(1000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String sha = rs.getString(1);
                            if (DocumentStore.isHash(sha)) {
                                out.add(new Ref(sha, rs.getLong(2), rs.getLong(3)));
                            }
                        }
                    }
                }
                return out;
            });
        }
    }

    /** True when a row of the practice names {@code sha}: the only content a peer may ask for. */
    public static boolean referenced(DataSource admin, String db, String sha) throws SQLException {
        try (Connection c = admin.getConnection()) {
            return TenantObjects.withBaseTables(c, db, TABLE, () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + quote(db)
                        + ".document WHERE sha256 = ? LIMIT 1")) {
                    ps.setString(1, sha);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        }
    }

    /**
     * The hashes among {@code shas} that a row of the practice names: what a batch fetch may
     * send. One query for the whole batch (a per-file query cost a round trip per file).
     */
    public static java.util.Set<String> referencedAmong(DataSource admin, String db, java.util.Collection<String> shas)
            throws SQLException {
        if (shas.isEmpty()) {
            return java.util.Set.of();
        }
        try (Connection c = admin.getConnection()) {
            return TenantObjects.withBaseTables(c, db, TABLE, () -> {
                java.util.Set<String> out = new java.util.HashSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT sha256 FROM " + quote(db)
                        + ".document WHERE sha256 IN (" + String.join(", ", java.util.Collections.nCopies(shas.size(),
                        "?")) + ")")) {
                    int i = 1;
                    for (String sha : shas) {
                        ps.setString(i++, sha);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                return out;
            });
        }
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
