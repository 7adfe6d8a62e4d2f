package dev.cusp.group;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tenant.TenantService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keeps one tenant from being made at two sites. The registry ({@code cusp.tenant}, unique name
 * and id) replicates: two peers that each created "acme" while they could not talk would, when
 * they meet, stop replicating on the registry row, and no row-conflict rule merges two
 * practices' databases. So before a peer creates a tenant it claims the name and the id at every
 * other active peer (mutual TLS); each refuses when its registry already has either, or another
 * site holds a live claim on either. Every peer must answer, so creation is refused while one
 * is unreachable (with the reason and what to do); everything else a practice does goes on
 * while apart. Claims live in memory for {@link #TTL} (longer than any creation) and the
 * creator releases its own when it is done; the registry row has replicated by then or follows
 * within seconds.
 */
public final class TenantClaims implements TenantService.Claims {
    static final Duration TTL = Duration.ofMinutes(2);
    static final String PEER_PATH = "/api/v1/peer/tenants/claim";
    static final String RELEASE_PATH = "/api/v1/peer/tenants/release";
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private record Claim(String site, long expiresAt) {
    }

    private final Supplier<Member> self;
    private final Members members;
    private final PeerClient peers;
    private final TenantRegistry registry;
    private final Map<String, Claim> held = new HashMap<>();

    TenantClaims(Supplier<Member> self, Members members, PeerClient peers, TenantRegistry registry) {
        this.self = self;
        this.members = members;
        this.peers = peers;
        this.registry = registry;
    }

    /** The creating side: claims here, then at every other active peer; the claim ends when closed. */
    @Override
    public TenantService.Claim claim(String name, int id) {
        Member me = self.get();
        if (me == null || !me.peer()) {
            return () -> { };
        }
        List<Member> others = new ArrayList<>();
        for (Member m : members.all()) {
            if (m.peer() && m.active() && !m.name().equals(me.name())) {
                others.add(m);
            }
        }
        if (others.isEmpty() || registry.find(name).isPresent() || registry.findById(id).isPresent()) {
            // Nobody to ask, or taken here already: the registry refuses it with this site's words.
            return () -> { };
        }
        hold(me.name(), name, id);
        try {
            for (Member m : others) {
                try {
                    ask(m, PEER_PATH, name, id);
                } catch (CuspException e) {
                    if (e.code() == ErrorCode.CONFLICT) {
                        throw e;
                    }
                    throw new CuspException(ErrorCode.UNAVAILABLE, "tenant '" + name + "' cannot be created now: site "
                            + m.name() + " cannot confirm that the name and id are free (" + e.getMessage() + "). A"
                            + " tenant made at two sites while they cannot talk would stop replication when they"
                            + " meet; create it when " + m.name() + " is back, or remove " + m.name()
                            + " from the group first ('cusp site remove " + m.name() + "')");
                }
            }
        } catch (RuntimeException e) {
            releaseEverywhere(me.name(), name, id, others);
            throw e;
        }
        return () -> releaseEverywhere(me.name(), name, id, others);
    }

    /** Ends this site's claim here and, as far as they answer, at the peers (the rest expire). */
    private void releaseEverywhere(String me, String name, int id, List<Member> others) {
        releaseFor(me, name, id);
        for (Member m : others) {
            try {
                ask(m, RELEASE_PATH, name, id);
            } catch (CuspException e) {
                // It expires there within TTL.
            }
        }
    }

    /**
     * One question to a peer, asked twice if the first could not get through: a connection the
     * peer closed when it restarted fails once ("ClosedChannelException"). Both questions may be
     * asked again (a site's claim is its own to renew; a release is a release).
     */
    private void ask(Member m, String path, String name, int id) {
        try {
            peers.call(m, "POST", path, Map.of("name", name, "id", id), ASK_TIMEOUT);
        } catch (CuspException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) {
                throw e;
            }
            peers.call(m, "POST", path, Map.of("name", name, "id", id), ASK_TIMEOUT);
        }
    }

    /** The asked side: refuses a name or id this site has, or another site claimed. */
    public void claimFor(String site, String name, int id) {
        Member me = self.get();
        String here = me == null ? "this site" : "site " + me.name();
        Optional<Tenant> byName = registry.find(name);
        if (byName.isPresent()) {
            throw new CuspException(ErrorCode.CONFLICT, "tenant '" + name + "' already exists at " + here
                    + " (it may not have replicated to yours yet); choose another name", "name");
        }
        Optional<Tenant> byId = registry.findById(id);
        if (byId.isPresent()) {
            throw new CuspException(ErrorCode.CONFLICT, "tenant id " + id + " is used by tenant '"
                    + byId.get().name() + "' at " + here + "; choose another id", "id");
        }
        hold(site, name, id);
    }

    private synchronized void hold(String site, String name, int id) {
        long now = System.nanoTime();
        held.values().removeIf(c -> c.expiresAt() - now < 0);
        for (String key : List.of("name " + name, "id " + id)) {
            Claim c = held.get(key);
            if (c != null && !c.site().equals(site)) {
                boolean byName = key.startsWith("name");
                throw new CuspException(ErrorCode.CONFLICT, (byName ? "tenant '" + name + "'" : "tenant id " + id)
                        + " is being created at site " + c.site() + "; choose another " + (byName ? "name" : "id")
                        + " or wait for it to replicate", byName ? "name" : "id");
            }
        }
        Claim mine = new Claim(site, now + TTL.toNanos());
        held.put("name " + name, mine);
        held.put("id " + id, mine);
    }

    /** Ends a site's claim (the asked side, when the creator is done). */
    public synchronized void releaseFor(String site, String name, int id) {
        for (String key : List.of("name " + name, "id " + id)) {
            Claim c = held.get(key);
            if (c != null && c.site().equals(site)) {
                held.remove(key);
            }
        }
    }
}
