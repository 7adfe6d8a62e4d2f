package dev.cusp.restore;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * What a restore needs from the site's replication group (implemented above this package, over
 * the peer channel): who else holds the practice, whether every link is healthy, what each site
 * has written, and a way to have another site fetch the restored practice from this one and
 * put it in place.
 */
public interface RestoreGroup {
    /** A site alone. */
    RestoreGroup NONE = new RestoreGroup() {
        @Override
        public List<String> others() {
            return List.of();
        }

        @Override
        public Optional<String> brokenLink() {
            return Optional.empty();
        }

        @Override
        public String hold(String site, String tenant, String fromGtid) {
            throw new IllegalStateException("no group");
        }

        @Override
        public void apply(String site, RestoreOrder order) {
            throw new IllegalStateException("no group");
        }

        @Override
        public InputStream fetch(String site, String tenant, String path) {
            throw new IllegalStateException("no group");
        }
    };

    /** The other active members (peers and report replicas). */
    List<String> others();

    /** A sentence naming a link (or site) that is not healthy, with what to do; empty when all are. */
    Optional<String> brokenLink();

    /**
     * Has {@code site} hold the practice too once this site's hold has reached it (this site's
     * position {@code fromGtid}): its own connections there cut, its account locked there. Returns
     * that site's {@code @@gtid_binlog_pos} after the cut: everything it has written or applied.
     */
    String hold(String site, String tenant, String fromGtid);

    /**
     * Has {@code site} cut a suspended practice's open connections there once this site's
     * suspend (its position {@code fromGtid}) has reached it ({@link Restorer#cutSuspended}).
     */
    default void cutSuspended(String site, String tenant, String fromGtid) {
        throw new IllegalStateException("no group");
    }

    /** Has {@code site} fetch the restored practice from this site and swap it in; returns when done. */
    void apply(String site, RestoreOrder order);

    /** A file of the restored practice that {@code site} is handing out ({@link Restorer#outgoing}). */
    InputStream fetch(String site, String tenant, String path) throws IOException;

    /**
     * An order to put a restored practice in place.
     *
     * @param tenant   the practice (the new one for {@code --as})
     * @param from     the site that restored it and hands out its files
     * @param fromGtid that site's binary log position once the practice was held everywhere and
     *                 every site's changes had reached it: applied here before the swap
     */
    record RestoreOrder(String tenant, String from, String fromGtid) {
    }
}
