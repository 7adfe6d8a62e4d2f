package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.job.Job;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where document replication (package docsync, above this one) joins the group's work: after a
 * join or re-seed has seeded the database, it fetches the practices' files (and reports progress
 * in the job); this site's status carries its document backlog; and files are fetched from
 * the members, preferring the sources this site replicates from. Set once, at start; until
 * then both answer nothing.
 */
public final class DocumentHooks {
    private final Membership site;
    private volatile Function<Job, Object> afterSeed = j -> null;
    private volatile Supplier<Object> status = () -> null;

    DocumentHooks(Membership site) {
        this.site = site;
    }

    /** Every member of the group as last read (this site included): where files may be fetched. */
    public List<Member> members() {
        return site.known();
    }

    /** The members this site replicates from now: where a row it has just received came through. */
    public List<Member> sources() {
        List<Member> all = site.known();
        return all.stream().filter(m -> m.name().equals(site.siteName())).findFirst()
                .map(me -> Topology.sourcesOf(me, all, site.topology())).orElse(List.of());
    }

    public void afterSeed(Function<Job, Object> hook) {
        this.afterSeed = hook;
    }

    public void status(Supplier<Object> hook) {
        this.status = hook;
    }

    /** Runs the after-seed work; its outcome as JSON, or null when there is none. */
    JsonNode afterSeed(Job job) {
        return tree(afterSeed.apply(job));
    }

    /** This site's document backlog as JSON, or null before document replication starts. */
    JsonNode status() {
        return tree(status.get());
    }

    private static JsonNode tree(Object o) {
        return o == null ? null : JsonMapping.MAPPER.valueToTree(o);
    }
}
