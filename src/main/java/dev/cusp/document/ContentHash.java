package dev.cusp.document;

import dev.cusp.error.CuspException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A file's name in the store: the SHA-256 of its bytes, 64 lowercase hex digits. Anything else
 * (upper case, a slash, dots, a shorter string) is refused before it comes near a path, so a
 * hash given by a caller can never name a file outside the store.
 */
public final class ContentHash {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private ContentHash() {
    }

    public static boolean valid(String s) {
        return s != null && HEX64.matcher(s).matches();
    }

    /** The hash, or 400 naming {@code field}. */
    public static String require(String s, String field) {
        if (!valid(s)) {
            throw CuspException.invalid(field, field + " must be a SHA-256: 64 lowercase hex digits");
        }
        return s;
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }
}
