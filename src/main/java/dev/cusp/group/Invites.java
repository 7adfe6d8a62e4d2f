package dev.cusp.group;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One-time join invitations issued by this site, kept in an owner-only file (never in the
 * database: they must not replicate). Only a hash of each secret is stored; a secret works
 * once, before it expires.
 */
public final class Invites {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path file;

    /**
     * A stored invitation.
     *
     * @param pinnedCert SHA-256 of the client certificate the joining site presented with the
     *                   secret: the only certificate this site answers for it until it is active
     */
    public record Invite(String secretSha256, String role, String expiresAt, String usedAt, String usedBy,
                         String pinnedCert) {
    }

    public Invites(Path file) {
        this.file = file;
    }

    /** Creates an invitation and returns its secret (shown once, inside the token). */
    public synchronized String issue(String role, Duration validFor) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        List<Invite> all = new ArrayList<>(load());
        all.removeIf(i -> Instant.parse(i.expiresAt()).isBefore(Instant.now().minus(Duration.ofDays(7))));
        all.add(new Invite(sha256(secret), role, Instant.now().plus(validFor).toString(), null, null, null));
        save(all);
        return secret;
    }

    /**
     * Checks a secret without using it: returns the invitation's role, or refuses when the
     * secret is unknown, used or expired.
     */
    public synchronized Invite check(String secret) {
        String h = sha256(secret == null ? "" : secret);
        for (Invite i : load()) {
            if (MessageDigest.isEqual(i.secretSha256().getBytes(StandardCharsets.US_ASCII),
                    h.getBytes(StandardCharsets.US_ASCII))) {
                if (i.usedAt() != null) {
                    throw new CuspException(ErrorCode.FORBIDDEN, "this join token was already used (by site "
                            + i.usedBy() + " at " + i.usedAt() + "); ask for a new one with 'cusp invite'");
                }
                if (Instant.parse(i.expiresAt()).isBefore(Instant.now())) {
                    throw new CuspException(ErrorCode.FORBIDDEN, "this join token expired at " + i.expiresAt()
                            + "; ask for a new one with 'cusp invite'");
                }
                return i;
            }
        }
        throw new CuspException(ErrorCode.FORBIDDEN, "this join token is not one this site issued; check that it"
                + " was copied whole, or ask for a new one with 'cusp invite'");
    }

    /** Marks the secret used by {@code site}, pinning the join to the certificate it presented. */
    public synchronized void use(String secret, String site, String certSha256) {
        String h = sha256(secret);
        List<Invite> all = new ArrayList<>();
        for (Invite i : load()) {
            all.add(i.secretSha256().equals(h) ? new Invite(i.secretSha256(), i.role(), i.expiresAt(),
                    Instant.now().toString(), site, certSha256) : i);
        }
        save(all);
    }

    /** The certificate {@code site} presented with the last invitation it used here, if any. */
    public synchronized Optional<String> pinFor(String site) {
        return load().stream().filter(i -> site.equals(i.usedBy()) && i.pinnedCert() != null)
                .max(Comparator.comparing(i -> Instant.parse(i.usedAt()))).map(Invite::pinnedCert);
    }

    private List<Invite> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<Invite>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void save(List<Invite> all) {
        try {
            FilePermissions.writePrivate(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
