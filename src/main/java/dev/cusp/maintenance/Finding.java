package dev.cusp.maintenance;

import dev.cusp.wire.MethodFinding;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What one method's check found at one site: how many rows, the first keys, and a SHA-256 of
 * every key in order, so two sites' id sets compare exactly without sending them all.
 */
public record Finding(long count, List<Long> ids, String digest) {
    /** Keys shown in a report; the digest covers all of them. */
    static final int IDS_SHOWN = 100;

    public MethodFinding describe() {
        return new MethodFinding(count, ids, digest);
    }

    /** Collects the keys of a check, in ascending order. */
    static final class Builder {
        private final MessageDigest sha;
        private final List<Long> ids = new ArrayList<>();
        private long count;

        Builder() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(long id) {
            count++;
            if (ids.size() < IDS_SHOWN) {
                ids.add(id);
            }
            for (int i = 7; i >= 0; i--) {
                sha.update((byte) (id >>> (8 * i)));
            }
        }

        Finding build() {
            return new Finding(count, List.copyOf(ids), HexFormat.of().formatHex(sha.digest()));
        }
    }
}
