package dev.cusp.group;

import dev.cusp.site.SiteIdentity;
import java.util.List;
import java.util.Optional;

/**
 * A cloned site (CLONED_SITE): two members with one identity, as when a site's folder or VM is
 * copied and the copy started as a site. Their transactions would carry the same
 * {@code server_id} or GTID domain, or their new keys the same offset, and mix. Admission
 * refuses such a join ({@link Admission}); these checks catch what happens after: an identity
 * file replaced or edited at a member, or two members recorded with one key offset. Pure
 * functions of the membership and the identities, so each case is tested without nodes.
 */
final class IdentityClash {
    private IdentityClash() {
    }

    /**
     * Why this site must not replicate or take writes, if its identity clashes: the identity
     * it runs with ({@code HOME/site/identity.json}) is not the one it joined with, or equals
     * another member's, or its key offset is another peer's that joined before it.
     */
    static Optional<String> local(SiteIdentity id, Member mine, List<Member> all) {
        for (Member m : all) {
            if (!m.name().equals(mine.name()) && (m.serverId() == id.serverId()
                    || m.gtidDomainId() == id.gtidDomainId())) {
                return Optional.of("site " + mine.name() + " runs with server_id " + id.serverId() + " and gtid_domain_id "
                        + id.gtidDomainId() + ", and site " + m.name() + " has " + (m.serverId() == id.serverId()
                        ? "the same server_id" : "the same gtid_domain_id") + ": " + mine.name() + " is a copy of "
                        + m.name() + "'s folder or VM, or its site/identity.json was replaced");
            }
        }
        if (mine.serverId() != id.serverId() || mine.gtidDomainId() != id.gtidDomainId()) {
            return Optional.of("site " + mine.name() + " runs with server_id " + id.serverId() + " and gtid_domain_id "
                    + id.gtidDomainId() + " but joined the group with " + mine.serverId() + " and "
                    + mine.gtidDomainId() + ": its site/identity.json was replaced or edited");
        }
        return offsetClash(mine, all);
    }

    /**
     * What another member's own answer shows: its identity is not the one it joined with, or
     * equals this site's or another member's.
     */
    static Optional<String> remote(Member m, long serverId, long domain, SiteIdentity mine, List<Member> all) {
        if (serverId == mine.serverId() || domain == mine.gtidDomainId()) {
            return Optional.of("site " + m.name() + " answers with server_id " + serverId + " and gtid_domain_id " + domain
                    + ", the same " + (serverId == mine.serverId() ? "server_id" : "gtid_domain_id") + " as this site ("
                    + mine.siteName() + ")");
        }
        for (Member o : all) {
            if (!o.name().equals(m.name()) && !o.name().equals(mine.siteName()) && (o.serverId() == serverId
                    || o.gtidDomainId() == domain)) {
                return Optional.of("site " + m.name() + " answers with server_id " + serverId + " and gtid_domain_id "
                        + domain + ", the same as site " + o.name() + "'s");
            }
        }
        if (serverId != m.serverId() || domain != m.gtidDomainId()) {
            return Optional.of("site " + m.name() + " answers with server_id " + serverId + " and gtid_domain_id " + domain
                    + " but joined the group with " + m.serverId() + " and " + m.gtidDomainId());
        }
        return offsetClash(m, all);
    }

    /** A peer recorded with the key offset of a peer that joined before it. */
    static Optional<String> offsetClash(Member x, List<Member> all) {
        if (!x.peer() || x.keyOffset() == null) {
            return Optional.empty();
        }
        for (Member m : all) {
            if (!m.name().equals(x.name()) && m.peer() && x.keyOffset().equals(m.keyOffset())
                    && m.joinSeq() < x.joinSeq()) {
                return Optional.of("site " + x.name() + " has key offset " + x.keyOffset() + ", as site " + m.name()
                        + " does: their new rows would take the same keys");
            }
        }
        return Optional.empty();
    }
}
