package dev.cusp.group;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The group's membership in the control database. Written with the binary log on: a change
 * made at one site replicates to every other, so all of them hold the same list.
 */
public final class Members {
    private static final String COLUMNS = "name, role, state, url, node_host, node_port, ca_pem, server_id,"
            + " gtid_domain_id, key_offset, upstream, seed_gtid, join_seq, version";
    private final DataSource admin;

    public Members(DataSource admin) {
        this.admin = admin;
    }

    public List<Member> all() {
        List<Member> out = new ArrayList<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM cusp.site ORDER BY join_seq, name")) {
            while (rs.next()) {
                out.add(read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the group's sites: " + e.getMessage(), e);
        }
        return out;
    }

    public Optional<Member> find(String name) {
        return all().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public void insert(Member m) {
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cusp.site (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, m.name());
            ps.setString(2, m.role());
            ps.setString(3, m.state());
            ps.setString(4, m.url());
            ps.setString(5, m.nodeHost());
            ps.setInt(6, m.nodePort());
            ps.setString(7, m.caPem());
            ps.setLong(8, m.serverId());
            ps.setLong(9, m.gtidDomainId());
            ps.setObject(10, m.keyOffset());
            ps.setString(11, m.upstream());
            ps.setString(12, m.seedGtid());
            ps.setInt(13, m.joinSeq());
            ps.setString(14, m.version());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record site " + m.name() + ": " + e.getMessage(), e);
        }
    }

    public void activate(String name, String seedGtid) {
        update("UPDATE cusp.site SET state = 'active', seed_gtid = ? WHERE name = ?", seedGtid, name);
    }

    /**
     * Records where a site now serves and where its node listens (its port or address changed):
     * a peer for its own row ({@link Reconciler}), or the upstream of a report replica for that
     * replica's row at its request ({@link UrlMoves}, values checked there). The write replicates
     * to the others as any change of the membership does.
     */
    public void moveAddress(String name, String url, String nodeHost, int nodePort) {
        update("UPDATE cusp.site SET url = ?, node_host = ?, node_port = ? WHERE name = ?", url, nodeHost, nodePort,
                name);
    }

    public boolean delete(String name) {
        return update("DELETE FROM cusp.site WHERE name = ?", name) > 0;
    }

    public String setting(String name, String fallback) {
        try (Connection c = admin.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT value FROM cusp.group_setting WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : fallback;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void putSetting(String name, String value) {
        update("INSERT INTO cusp.group_setting (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)",
                name, value);
    }

    private int update(String sql, Object... args) {
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change the group's records: " + e.getMessage(), e);
        }
    }

    private static Member read(ResultSet rs) throws SQLException {
        Integer offset = rs.getObject(10) == null ? null : rs.getInt(10);
        return new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), rs.getLong(8), rs.getLong(9), offset, rs.getString(11),
                rs.getString(12), rs.getInt(13), rs.getString(14));
    }
}
