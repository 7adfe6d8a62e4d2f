package dev.cusp.secret;

import dev.cusp.base.FilePermissions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets kept at rest (tenant database passwords) with AES-256-GCM under the site's
 * master key, a random key in an owner-only file. A database dump or a replica therefore
 * never carries a usable password.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private volatile SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Loads the master key, creating it on first use. */
    public static SecretBox open(Path keyFile) {
        if (!Files.exists(keyFile)) {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            FilePermissions.writePrivate(keyFile, Base64.getEncoder().encodeToString(k));
        }
        return new SecretBox(Base64.getDecoder().decode(FilePermissions.read(keyFile)));
    }

    /** The master key, base64: given to a site joining this one's replication group, over mutual TLS. */
    public String export() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Adopts the replication group's master key (a joining site), writing it to {@code keyFile}:
     * the group shares one key because the sealed tenant passwords replicate.
     */
    public synchronized void adopt(String base64Key, Path keyFile) {
        byte[] k = Base64.getDecoder().decode(base64Key);
        if (k.length != 32) {
            throw new IllegalArgumentException("a master key has 32 bytes");
        }
        FilePermissions.writePrivate(keyFile, base64Key);
        this.key = new SecretKeySpec(k, "AES");
    }

    public String seal(String plain) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + ct.length)
                    .put(iv).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("unknown secret format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored secret does not open with this site's master key", e);
        }
    }
}
