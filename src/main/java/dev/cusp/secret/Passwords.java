package dev.cusp.secret;

import dev.cusp.error.CuspException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.scoring.Result;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password generation, the strong-password policy, and Argon2id hashing in the PHC string
 * format ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}). Parameters follow OWASP's
 * Argon2id minimum (19 MiB, 2 passes, 1 lane).
 */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int MIN_LENGTH = 12;
    private static final Nbvcxz ESTIMATOR = new Nbvcxz();

    private Passwords() {
    }

    /** A random password of {@code length} unambiguous letters and digits (about 5.8 bits each). */
    public static String generate(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** A random URL-safe token with 256 bits of entropy. */
    public static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Refuses weak passwords with a message that says how to make a stronger one.
     *
     * @param personal words the password must not contain, such as the user's own name
     */
    public static void requireStrong(String field, String password, String... personal) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw CuspException.invalid(field, "password must have at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > 256) {
            throw CuspException.invalid(field, "password must have at most 256 characters");
        }
        for (String word : personal) {
            if (word != null && word.length() >= 3 && password.toLowerCase().contains(word.toLowerCase())) {
                throw CuspException.invalid(field, "password must not contain the user name");
            }
        }
        Result r = ESTIMATOR.estimate(password);
        if (r.getBasicScore() < 3) {
            throw CuspException.invalid(field, "password is too easy to guess (strength " + r.getBasicScore()
                    + " of 4, 3 needed): avoid words, names, dates and patterns; a few random words work well");
        }
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] h = argon2(password, salt, MEMORY_KIB, ITERATIONS, 1);
        Base64.Encoder e = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=1$" + e.encodeToString(salt) + "$"
                + e.encodeToString(h);
    }

    public static boolean verify(String password, String phc) {
        if (password == null || phc == null) {
            return false;
        }
        String[] parts = phc.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id")) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] x = kv.split("=");
            switch (x[0]) {
                case "m" -> m = Integer.parseInt(x[1]);
                case "t" -> t = Integer.parseInt(x[1]);
                case "p" -> p = Integer.parseInt(x[1]);
                default -> {
                    return false;
                }
            }
        }
        Base64.Decoder d = Base64.getDecoder();
        byte[] expected = d.decode(parts[5]);
        byte[] actual = argon2(password, d.decode(parts[4]), m, t, p);
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int lanes) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes).build());
        byte[] out = new byte[32];
        g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
