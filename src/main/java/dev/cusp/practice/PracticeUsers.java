package dev.cusp.practice;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.secret.Passwords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Practice users: login with lockout after repeated failures, and account management. */
public final class PracticeUsers {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PracticeUsers.class);
    /** A logged-in practice user. */
    public record User(long id, String userName, boolean admin) {
    }

    private static final String UNKNOWN_USER_HASH = Passwords.hash(Passwords.token());

    private PracticeUsers() {
    }

    /**
     * Checks a password. A wrong one counts towards the lockout; {@code maxFailures} in a row
     * lock the user out for {@code lockout}. The answer never says whether the user exists.
     */
    public static User login(Connection c, String site, String userName, String password, int maxFailures,
                             Duration lockout) throws SQLException {
        if (userName == null || userName.isBlank() || password == null || password.isEmpty()) {
            throw CuspException.invalid(userName == null || userName.isBlank() ? "user" : "password",
                    "user and password are required");
        }
        // On a report replica (read_only) a login still works, but leaves no trace in the
        // database: failures and lockouts are counted where writes happen, and replicate here.
        boolean record;
        try (Statement st = c.createStatement(); ResultSet ro = st.executeQuery("SELECT @@read_only")) {
            ro.next();
            record = !ro.getBoolean(1);
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, password_hash, is_admin, failed_logins,"
                + " locked_until FROM practice_user WHERE user_name = ?" + (record ? " FOR UPDATE" : ""))) {
            ps.setString(1, userName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    // One Argon2 run, as for a real user: the answer time does not tell who exists.
                    Passwords.verify(password, UNKNOWN_USER_HASH);
                    if (record) {
                        SecurityLog.write(c, new Actor(userName, site), "login_failed", "practice_user", null,
                                "unknown user");
                    }
                    c.commit();
                    throw wrong();
                }
                long id = rs.getLong(1);
                Timestamp locked = rs.getTimestamp(5);
                if (locked != null && locked.toInstant().isAfter(Instant.now())) {
                    c.commit();
                    throw new CuspException(ErrorCode.LOCKED, "user " + userName + " is locked out after "
                            + maxFailures + " failed logins until " + locked.toInstant()
                            + "; wait, or ask a practice administrator");
                }
                boolean ok = Passwords.verify(password, rs.getString(2));
                if (!ok && !record) {
                    LOG.info("practice login failed for {} at read-only site {} (not counted here)", userName, site);
                    c.commit();
                    throw wrong();
                }
                if (!record) {
                    c.commit();
                    return new User(rs.getLong(1), userName, rs.getBoolean(3));
                }
                if (!ok) {
                    int failures = rs.getInt(4) + 1;
                    try (PreparedStatement up = c.prepareStatement(
                            "UPDATE practice_user SET failed_logins = ?, locked_until = ? WHERE id = ?")) {
                        up.setInt(1, failures >= maxFailures ? 0 : failures);
                        up.setTimestamp(2, failures >= maxFailures ? Timestamp.from(Instant.now().plus(lockout)) : null);
                        up.setLong(3, id);
                        up.executeUpdate();
                    }
                    SecurityLog.write(c, new Actor(userName, site), failures >= maxFailures ? "locked_out"
                            : "login_failed", "practice_user", id, "failure " + failures + " of " + maxFailures);
                    c.commit();
                    throw wrong();
                }
                // Only a user with failures on record is written: a plain login changes no row, so
                // logins at two sites during an outage are not a replication conflict.
                if (rs.getInt(4) != 0 || locked != null) {
                    try (PreparedStatement up = c.prepareStatement(
                            "UPDATE practice_user SET failed_logins = 0, locked_until = NULL WHERE id = ?")) {
                        up.setLong(1, id);
                        up.executeUpdate();
                    }
                }
                SecurityLog.write(c, new Actor(userName, site), "login", "practice_user", id, null);
                c.commit();
                return new User(id, userName, rs.getBoolean(3));
            }
        } catch (SQLException | RuntimeException e) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } catch (SQLException re) {
                e.addSuppressed(re); // a closed connection cannot roll back: the first failure is the answer
            }
            throw e;
        }
    }

    private static CuspException wrong() {
        return new CuspException(ErrorCode.UNAUTHENTICATED, "wrong user name or password");
    }

    public static Map<String, Object> create(Connection c, Actor actor, String userName, String password,
                                             boolean admin) throws SQLException {
        if (userName == null || !userName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw CuspException.invalid("user_name", "user_name must be 1 to 64 letters, digits, dots, dashes or"
                    + " underscores");
        }
        Passwords.requireStrong("password", password, userName);
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO practice_user (user_name, password_hash,"
                + " is_admin) VALUES (?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, userName);
            ps.setString(2, Passwords.hash(password));
            ps.setBoolean(3, admin);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                id = rs.getLong(1);
            }
        } catch (SQLIntegrityConstraintViolationException e) {
            throw new CuspException(ErrorCode.CONFLICT, "user " + userName + " already exists", "user_name");
        }
        SecurityLog.write(c, actor, "create", "practice_user", id, "user " + userName + (admin ? " (admin)" : ""));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("user_name", userName);
        out.put("is_admin", admin);
        return out;
    }

    /**
     * Changes the caller's own password. A wrong current password counts towards the lockout
     * like a failed login, so a stolen token cannot be used to guess the password.
     */
    public static void changePassword(Connection c, Actor actor, long userId, String current, String next,
                                      int maxFailures, Duration lockout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash, failed_logins, locked_until"
                + " FROM practice_user WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new CuspException(ErrorCode.UNAUTHENTICATED, "this user no longer exists; log in again");
                }
                Timestamp locked = rs.getTimestamp(3);
                if (locked != null && locked.toInstant().isAfter(Instant.now())) {
                    throw new CuspException(ErrorCode.LOCKED, "user " + actor.userName() + " is locked out until "
                            + locked.toInstant() + " after too many wrong passwords");
                }
                if (!Passwords.verify(current, rs.getString(1))) {
                    int failures = rs.getInt(2) + 1;
                    try (PreparedStatement up = c.prepareStatement(
                            "UPDATE practice_user SET failed_logins = ?, locked_until = ? WHERE id = ?")) {
                        up.setInt(1, failures >= maxFailures ? 0 : failures);
                        up.setTimestamp(2, failures >= maxFailures ? Timestamp.from(Instant.now().plus(lockout)) : null);
                        up.setLong(3, userId);
                        up.executeUpdate();
                    }
                    SecurityLog.write(c, actor, failures >= maxFailures ? "locked_out" : "change_password_failed",
                            "practice_user", userId, "failure " + failures + " of " + maxFailures);
                    // Kept although the request fails: the caller's transaction is rolled back.
                    c.commit();
                    throw CuspException.invalid("current_password", "the current password is wrong");
                }
            }
        }
        Passwords.requireStrong("new_password", next, actor.userName());
        try (PreparedStatement ps = c.prepareStatement("UPDATE practice_user SET password_hash = ?,"
                + " failed_logins = 0 WHERE id = ?")) {
            ps.setString(1, Passwords.hash(next));
            ps.setLong(2, userId);
            ps.executeUpdate();
        }
        SecurityLog.write(c, actor, "change_password", "practice_user", userId, null);
    }
}
