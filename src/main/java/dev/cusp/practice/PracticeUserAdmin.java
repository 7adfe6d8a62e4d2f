package dev.cusp.practice;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What a practice administrator does to another user (or to themself): change the admin
 * role, lock, unlock, delete. Each is one security-log row in the caller's transaction. The
 * caller ends the user's sessions once the change is committed. A practice always keeps one
 * administrator who can log in: the last one cannot be demoted, locked or deleted.
 */
public final class PracticeUserAdmin {
    /** A lock is an administrator's decision, not a time-out: it lasts until an unlock. */
    private static final String LOCKED_FOR_GOOD = "9999-12-31 00:00:00";

    /** A user as it is after the change; the answer {id, user_name, is_admin, locked}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Account(long id, String userName, @JsonProperty("is_admin") boolean admin, boolean locked) {
    }

    private PracticeUserAdmin() {
    }

    public static Account setAdmin(Connection c, Actor actor, String userName, boolean admin) throws SQLException {
        Account a = find(c, userName);
        if (a.admin() == admin) {
            return a;
        }
        if (!admin) {
            requireAnotherAdmin(c, a, "take the administrator role from");
        }
        update(c, a.id(), "is_admin = ?", admin);
        SecurityLog.write(c, actor, admin ? "grant_admin" : "revoke_admin", "practice_user", a.id(),
                "user " + userName + "; sessions ended");
        return new Account(a.id(), userName, admin, a.locked());
    }

    public static Account lock(Connection c, Actor actor, String userName) throws SQLException {
        Account a = find(c, userName);
        requireAnotherAdmin(c, a, "lock");
        update(c, a.id(), "locked_until = '" + LOCKED_FOR_GOOD + "'", null);
        SecurityLog.write(c, actor, "lock", "practice_user", a.id(), "user " + userName + "; sessions ended");
        return new Account(a.id(), userName, a.admin(), true);
    }

    /**
     * Lifts a lock, and the failure count an older Cusp kept in the row. The caller clears the
     * login throttle's count for the user at this site.
     */
    public static Account unlock(Connection c, Actor actor, String userName, String details) throws SQLException {
        Account a = find(c, userName);
        update(c, a.id(), "locked_until = NULL, failed_logins = 0", null);
        SecurityLog.write(c, actor, "unlock", "practice_user", a.id(), "user " + userName
                + (a.locked() ? " (was locked)" : "") + (details == null ? "" : "; " + details));
        return new Account(a.id(), userName, a.admin(), false);
    }

    public static Account delete(Connection c, Actor actor, String userName) throws SQLException {
        Account a = find(c, userName);
        requireAnotherAdmin(c, a, "delete");
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM practice_user WHERE id = ?")) {
            ps.setLong(1, a.id());
            ps.executeUpdate();
        }
        SecurityLog.write(c, actor, "delete", "practice_user", a.id(), "user " + userName + "; sessions ended");
        return a;
    }

    private static Account find(Connection c, String userName) throws SQLException {
        if (userName == null || userName.isEmpty() || userName.length() > PracticeUsers.MAX_USER_NAME) {
            throw CuspException.invalid("user", "user must have 1 to " + PracticeUsers.MAX_USER_NAME + " characters");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, is_admin, COALESCE(locked_until > NOW(3), FALSE)"
                + " FROM practice_user WHERE user_name = ? FOR UPDATE")) {
            ps.setString(1, userName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw CuspException.notFound("no practice user named '" + userName + "'");
                }
                return new Account(rs.getLong(1), userName, rs.getBoolean(2), rs.getBoolean(3));
            }
        }
    }

    /** Refuses to leave the practice without an administrator who can log in. */
    private static void requireAnotherAdmin(Connection c, Account a, String verb) throws SQLException {
        if (!a.admin() || a.locked()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM practice_user WHERE is_admin AND id <> ?"
                + " AND (locked_until IS NULL OR locked_until <= NOW(3)) FOR UPDATE")) {
            ps.setLong(1, a.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new CuspException(ErrorCode.CONFLICT, "cannot " + verb + " " + a.userName() + ": it is the"
                            + " practice's last administrator who can log in; make another user an administrator"
                            + " first");
                }
            }
        }
    }

    private static void update(Connection c, long id, String set, Boolean value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE practice_user SET " + set + " WHERE id = ?")) {
            int i = 1;
            if (value != null) {
                ps.setBoolean(i++, value);
            }
            ps.setLong(i, id);
            ps.executeUpdate();
        }
    }
}
