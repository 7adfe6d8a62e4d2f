package dev.cusp.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The clause that gives a MariaDB account its password by hash ({@code mysql_native_password}:
 * {@code '*'} and the upper-case hex of SHA1(SHA1(password))). A {@code CREATE USER ...
 * IDENTIFIED BY 'password'} is written to the binary log as typed, password included, kept
 * for 14 days and replicated to every site; the hash is what the server stores anyway, and
 * the only thing the binary log then holds.
 */
public final class NativePassword {
    private NativePassword() {
    }

    /** The server's stored form of {@code password}: {@code *} and 40 upper-case hex digits. */
    public static String hash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            return "*" + HexFormat.of().withUpperCase().formatHex(sha1.digest(once));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    /** {@code IDENTIFIED BY PASSWORD '*...'} for a CREATE or ALTER USER. */
    public static String identifiedBy(String password) {
        return "IDENTIFIED BY PASSWORD '" + hash(password) + "'";
    }
}
