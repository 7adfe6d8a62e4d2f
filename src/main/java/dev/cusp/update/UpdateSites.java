package dev.cusp.update;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Member;
import dev.cusp.group.Members;
import dev.cusp.group.PeerClient;
import dev.cusp.wire.UpdateSiteChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sites an update involves and how to ask each one: this site directly, the others over
 * the peer routes (mutual TLS). A standalone site is a group of one. Also which site is the
 * group's update site (the group setting {@value #SETTING}, default the first peer).
 */
final class UpdateSites {
    static final String SETTING = "update_site";
    private final Members members;
    private final PeerClient peers;
    private final String self;
    private final UpdateLocal local;

    UpdateSites(Members members, PeerClient peers, String self, UpdateLocal local) {
        this.members = members;
        this.peers = peers;
        this.self = self;
        this.local = local;
    }

    /** Every member (this site alone when standalone). */
    List<Member> all() {
        return members.all();
    }

    boolean standalone() {
        return members.all().stream().noneMatch(m -> m.name().equals(self));
    }

    String self() {
        return self;
    }

    /** The designated update site's name, or empty when this site is standalone. */
    Optional<String> updateSite() {
        List<Member> all = members.all();
        if (standalone()) {
            return Optional.empty();
        }
        String first = all.stream().filter(m -> m.peer() && m.active()).map(Member::name).findFirst().orElse(self);
        String chosen = members.setting(SETTING, first);
        return Optional.of(all.stream().anyMatch(m -> m.name().equals(chosen)) ? chosen : first);
    }

    /** Refuses to go on unless this site is the update site (or standalone). */
    void requireUpdateSite() {
        Optional<String> u = updateSite();
        if (u.isPresent() && !u.get().equals(self)) {
            String url = members.find(u.get()).map(Member::url).orElse("?");
            throw new CuspException(ErrorCode.CONFLICT, "site " + u.get() + " (" + url + ") is this group's update"
                    + " site; run the update there, or run 'cusp update --designate " + self + "' at " + u.get()
                    + " to make this site the update site", "site");
        }
    }

    /** Makes {@code site} the update site; only the current update site may hand the role on. */
    UpdateSiteChanged designate(String site) {
        if (standalone()) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is not in a replication group: it updates itself");
        }
        requireUpdateSite();
        Member m = members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no site '" + site
                + "' in this group; 'cusp site list' shows the sites", "site"));
        if (!m.peer() || !m.active()) {
            throw new CuspException(ErrorCode.CONFLICT, "site " + site + " is a " + m.state() + " " + m.role()
                    + "; the update site must be an active peer (a replica cannot migrate: it is read-only)", "site");
        }
        members.putSetting(SETTING, site);
        return new UpdateSiteChanged(site);
    }

    /** Asks every active site (this one locally); a site that cannot be reached fails with its name. */
    List<Reply> each(Function<UpdateLocal, Object> here, String method, String path, Object body, Duration timeout) {
        List<Reply> out = new ArrayList<>();
        if (standalone()) {
            out.add(new Reply(self, true, JsonMapping.MAPPER.valueToTree(here.apply(local)), null));
            return out;
        }
        for (Member m : members.all()) {
            if (!m.active()) {
                out.add(new Reply(m.name(), m.peer(), null, "site " + m.name() + " is still joining"));
                continue;
            }
            if (m.name().equals(self)) {
                out.add(new Reply(self, true, JsonMapping.MAPPER.valueToTree(here.apply(local)), null));
                continue;
            }
            try {
                out.add(new Reply(m.name(), m.peer(), peers.call(m, method, path, body, timeout), null));
            } catch (CuspException e) {
                out.add(new Reply(m.name(), m.peer(), null, e.getMessage()));
            }
        }
        return out;
    }

    /** One site's answer, or why there is none. */
    record Reply(String site, boolean peer, JsonNode body, String error) {
        /** The answer read into its record (null when the site did not answer). */
        <T> T as(Class<T> type) {
            try {
                return body == null ? null : JsonMapping.read(body, type);
            } catch (IllegalArgumentException e) {
                throw new CuspException(ErrorCode.CONFLICT, "site " + site + " answered in another form (another Cusp"
                        + " version?): " + e.getMessage());
            }
        }
    }
}
