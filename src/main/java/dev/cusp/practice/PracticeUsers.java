package dev.cusp.practice;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.secret.Passwords;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.HexFormat;

/**
 * Practice users: login, and account management. Guessing is slowed by the caller (the API's
 * login throttle, in memory); nothing here locks a user out on failures, so an outsider cannot
 * lock out a practice's users by failing on purpose. Only a practice administrator locks a user
 * ({@link PracticeUserAdmin}).
 */
public final class PracticeUsers {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PracticeUsers.class);
    /** Longest user name (the column's width). */
    public static final int MAX_USER_NAME = 64;

    /**
     * A logged-in practice user; {@code stamp} identifies the row's password and role as of the
     * login, so a session can tell when either has changed ({@link #stamp(Connection, long)}).
     */
    public record User(long id, String userName, boolean admin, String stamp) {
    }

    private static final String UNKNOWN_USER_HASH = Passwords.hash(Passwords.token());

    private PracticeUsers() {
    }

    /**
     * Checks a password. The answer is the same 401, after the same work (one Argon2 run, one
     * security-log row), whether the user does not exist or the password is wrong. That a user
     * is locked by an administrator is said only to a caller who gave the right password.
     *
     * @param from the client's address, for the security log
     */
    public static User login(Connection c, String site, String userName, String password, String from)
            throws SQLException {
        if (userName == null || userName.isBlank() || password == null || password.isEmpty()) {
            throw CuspException.invalid(userName == null || userName.isBlank() ? "user" : "password",
                    "user and password are required");
        }
        // On a report replica (read_only) a login still works, but leaves no trace in the
        // database: the security log is written where writes happen.
        boolean record;
        try (Statement st = c.createStatement(); ResultSet ro = st.executeQuery("SELECT @@read_only")) {
            ro.next();
            record = !ro.getBoolean(1);
        }
        c.setAutoCommit(false);
        try {
            if (userName.length() > MAX_USER_NAME) {
                // No user can have such a name; logged (cut to fit the column) so that probing shows.
                if (record) {
                    SecurityLog.write(c, new Actor(userName.substring(0, MAX_USER_NAME - 3) + "...", site),
                            "login_refused", "practice_user", null, "user name of " + userName.length()
                                    + " characters, from " + from);
                }
                c.commit();
                throw CuspException.invalid("user", "user must have at most " + MAX_USER_NAME + " characters");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, password_hash, is_admin,"
                    + " locked_until > NOW(3) FROM practice_user WHERE user_name = ?")) {
                ps.setString(1, userName);
                try (ResultSet rs = ps.executeQuery()) {
                    boolean known = rs.next();
                    // One Argon2 run either way: the answer time does not tell who exists.
                    boolean ok = Passwords.verify(password, known ? rs.getString(2) : UNKNOWN_USER_HASH) && known;
                    Long id = known ? rs.getLong(1) : null;
                    if (!ok) {
                        if (record) {
                            SecurityLog.write(c, new Actor(userName, site), "login_failed", "practice_user", id,
                                    (known ? "wrong password" : "unknown user") + ", from " + from);
                        } else {
                            LOG.info("practice login failed at read-only site {} (not logged in the practice)", site);
                        }
                        c.commit();
                        throw wrong();
                    }
                    if (rs.getBoolean(4)) {
                        if (record) {
                            SecurityLog.write(c, new Actor(userName, site), "login_refused", "practice_user", id,
                                    "locked by a practice administrator, from " + from);
                        }
                        c.commit();
                        throw new CuspException(ErrorCode.LOCKED, "user " + userName + " is locked by a practice"
                                + " administrator; ask one to unlock it");
                    }
                    if (record) {
                        SecurityLog.write(c, new Actor(userName, site), "login", "practice_user", id, "from " + from);
                    }
                    c.commit();
                    return new User(id, userName, rs.getBoolean(3), stamp(rs.getString(2), rs.getBoolean(3)));
                }
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

    /**
     * A user's stamp as it is now: null when the user no longer exists or is locked. A session
     * whose stamp differs has outlived a password change or a change of role.
     */
    public static String stamp(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash, is_admin, locked_until > NOW(3)"
                + " FROM practice_user WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || rs.getBoolean(3) ? null : stamp(rs.getString(1), rs.getBoolean(2));
            }
        }
    }

    /** A short digest of what a session depends on; the password hash itself stays in the database. */
    static String stamp(String passwordHash, boolean admin) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((passwordHash + (admin ? "|admin" : "|user"))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private static CuspException wrong() {
        return new CuspException(ErrorCode.UNAUTHENTICATED, "wrong user name or password");
    }

    /** A practice user just added: the answer {id, user_name, is_admin}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Created(long id, String userName, boolean isAdmin) {
    }

    public static Created create(Connection c, Actor actor, String userName, String password, boolean admin)
            throws SQLException {
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
        return new Created(id, userName, admin);
    }

    /**
     * Changes the caller's own password and answers the new stamp. A wrong current password is
     * kept in the security log although the request fails; the caller counts it towards the
     * login throttle, so a stolen token cannot be used to guess the password.
     */
    public static String changePassword(Connection c, Actor actor, long userId, String current, String next)
            throws SQLException {
        Passwords.requireStrong("new_password", next, actor.userName());
        boolean admin;
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash, is_admin, locked_until > NOW(3)"
                + " FROM practice_user WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBoolean(3)) {
                    throw new CuspException(ErrorCode.UNAUTHENTICATED, "this user no longer exists or is locked;"
                            + " log in again");
                }
                admin = rs.getBoolean(2);
                if (!Passwords.verify(current, rs.getString(1))) {
                    SecurityLog.write(c, actor, "change_password_failed", "practice_user", userId, "wrong current"
                            + " password");
                    // Kept although the request fails: the caller's transaction is rolled back.
                    c.commit();
                    throw CuspException.invalid("current_password", "the current password is wrong");
                }
            }
        }
        String hash = Passwords.hash(next);
        try (PreparedStatement ps = c.prepareStatement("UPDATE practice_user SET password_hash = ?,"
                + " failed_logins = 0 WHERE id = ?")) {
            ps.setString(1, hash);
            ps.setLong(2, userId);
            ps.executeUpdate();
        }
        SecurityLog.write(c, actor, "change_password", "practice_user", userId, "other sessions ended");
        return stamp(hash, admin);
    }
}
