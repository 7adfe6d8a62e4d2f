package dev.cusp.group;

import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.site.SiteHome;
import dev.cusp.site.SiteIdentity;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * This site's standing in its group, shared by the parts of {@link Group}: the membership
 * table, this site's own row as the reconciler last read it, the last membership seen (kept
 * while a seed replaces the control database), whether a seed runs, and how this site shows
 * itself to its peers (its URL, clock and Cusp version).
 */
final class Membership {
    private final SiteHome home;
    private final Members members;
    private final String nodeHost;
    private volatile String url;
    private volatile Member self;
    private volatile boolean seeding;
    private volatile List<Member> lastKnown = List.of();
    /** This site's wall clock: the system's; a test may shift it to play a machine whose clock is wrong. */
    private volatile Clock clock = Clock.systemUTC();
    /**
     * The Cusp version this site tells its peers it runs and compares theirs with: the build's; a
     * test may change it to play a site updated ahead of the others (VERSION_MISMATCH).
     */
    private volatile String version = CuspVersion.VERSION;

    /** {@code nodeHost}: the address the peers reach this site's node at (the {@code address} setting). */
    Membership(SiteHome home, Members members, String nodeHost) {
        this.home = home;
        this.members = members;
        this.nodeHost = nodeHost;
    }

    /** This site's identity, read from its file each time (as the site itself does). */
    SiteIdentity id() {
        return home.identity();
    }

    String siteName() {
        return id().siteName();
    }

    /** The membership table, as replicated to every member. */
    Members members() {
        return members;
    }

    String nodeHost() {
        return nodeHost;
    }

    /** This site's HTTPS URL, as its peers reach it; null before the site starts serving. */
    String url() {
        return url;
    }

    void url(String u) {
        this.url = u;
    }

    /** This site's own member row as last reconciled; null when it is in no group. */
    Member self() {
        return self;
    }

    void self(Member m) {
        this.self = m;
    }

    /** True on a report replica: the API refuses writes. */
    boolean readOnly() {
        Member m = self;
        return m != null && !m.peer();
    }

    /** Where writes go when this site is a replica: its upstream peer's name and URL. */
    String primaryHint() {
        Member m = self;
        if (m == null || m.upstream() == null) {
            return "a peer of the group";
        }
        return members.find(m.upstream()).map(u -> "site " + u.name() + " (" + u.url() + ")")
                .orElse("site " + m.upstream());
    }

    /** Refuses an admin change on a replica, naming where to make it. */
    void requireWritable(String what) {
        if (readOnly()) {
            throw new CuspException(ErrorCode.READ_ONLY, "this site is a read-only report replica; " + what
                    + " at " + primaryHint() + ", and it replicates here");
        }
    }

    /** True while this site's data is being replaced (join or re-seed). */
    boolean seeding() {
        return seeding;
    }

    void seeding(boolean on) {
        this.seeding = on;
    }

    /** Records the membership just read, for {@link #known()} while a seed runs. */
    void saw(List<Member> all) {
        lastKnown = all;
    }

    /** The membership: read now, or the last seen while a seed replaces the control database. */
    List<Member> known() {
        if (seeding) {
            return lastKnown;
        }
        try {
            lastKnown = members.all();
        } catch (IllegalStateException e) {
            Group.LOG.debug("group: membership unreadable ({}), using the last seen", e.getMessage());
        }
        return lastKnown;
    }

    /** A member by name, from {@link #known()}. */
    Optional<Member> member(String name) {
        return known().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The peers' topology: mesh or ring. */
    String topology() {
        return members.setting("topology", Topology.MESH);
    }

    /** How many writable sites the group accepts before a join needs --force. */
    int capacity() {
        return Integer.parseInt(members.setting("capacity", Integer.toString(Group.DEFAULT_CAPACITY)));
    }

    Clock clock() {
        return clock;
    }

    void clock(Clock c) {
        this.clock = c;
    }

    String version() {
        return version;
    }

    void version(String v) {
        this.version = v;
    }
}
