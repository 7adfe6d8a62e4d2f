package dev.cusp.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Member;
import dev.cusp.group.Members;
import dev.cusp.group.PeerClient;
import dev.cusp.job.Job;
import dev.cusp.practice.Actor;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.survey.Participant;
import dev.cusp.survey.PeerSurvey;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tls.CertificateAuthority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cusp dbm}: runs the maintenance checks at every site of the group at an aligned GTID
 * position and compares them method by method ({@link #check}); fixes at ONE site, after checking
 * that every site agrees, and lets replication carry the fix ({@link FixRun}). Also the work every
 * site does when the coordinating site asks ({@link #localCheck}, {@link #localFix}).
 */
public final class DbmService {
    private static final Logger LOG = LoggerFactory.getLogger(DbmService.class);
    static final Duration ALIGN_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CALL_TIMEOUT = ALIGN_TIMEOUT.plusSeconds(60);

    final DataSource admin;
    final TenantRegistry registry;
    final Members members;
    final PeerClient peers;
    final String siteName;
    final LocalMaintenance local;
    /** Tenants with a fix running from this site: one at a time per tenant. */
    final Map<String, Boolean> fixing = new java.util.concurrent.ConcurrentHashMap<>();

    public DbmService(DataSource admin, TenantRegistry registry, TenantPools pools, CertificateAuthority tls,
                      String siteName) {
        this.admin = admin;
        this.registry = registry;
        this.members = new Members(admin);
        this.peers = new PeerClient(tls);
        this.siteName = siteName;
        this.local = new LocalMaintenance(pools);
    }

    /** The tenants to check: the one named (404 when unknown) or every one that is not still being created. */
    public List<Tenant> tenants(String tenant) {
        if (tenant == null) {
            return registry.all().stream().filter(t -> t.status() != Tenant.Status.CREATING).toList();
        }
        return List.of(registry.find(tenant).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no tenant named '"
                + tenant + "' on this site; 'cusp tenant list' shows the tenants", "tenant")));
    }

    /** This site's membership: null when standalone; refused while it is still joining. */
    Member self() {
        Member me = members.find(siteName).orElse(null);
        if (me != null && !me.active()) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is still joining its group; run maintenance when"
                    + " it is active");
        }
        return me;
    }

    PeerSurvey survey(boolean allSites) {
        self();
        return allSites ? PeerSurvey.of(admin, members, peers, siteName) : PeerSurvey.local(admin, siteName);
    }

    /** Checks every tenant given at this site or at every site, and compares the results. */
    public Map<String, Object> check(List<Tenant> tenants, List<MaintenanceMethod> methods, boolean allSites, Job job) {
        long started = System.nanoTime();
        PeerSurvey survey = survey(allSites);
        List<Map<String, Object>> reports = new ArrayList<>();
        int differing = 0;
        int incomplete = 0;
        long found = 0;
        for (int i = 0; i < tenants.size(); i++) {
            Tenant t = tenants.get(i);
            job.step("checking " + t.name() + " (" + (i + 1) + " of " + tenants.size() + ") at "
                    + String.join(", ", survey.answering().stream().map(Participant::name).toList()));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("tenant", t.name());
            if (t.status() != Tenant.Status.ACTIVE) {
                r.put("skipped", "the practice is " + t.status().label() + "; resume it to check it");
                reports.add(r);
                continue;
            }
            Comparison c = compare(t, methods, survey);
            if (!c.differing().isEmpty()) {
                // A write passing by can make sites differ for a moment: compare again at a fresh position.
                survey = survey(allSites);
                c = compare(t, methods, survey);
            }
            differing += c.differing().size();
            incomplete += c.incomplete() ? 1 : 0;
            found += methods.stream().mapToLong(c::found).sum();
            r.put("methods", c.report());
            reports.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("all_sites", allSites);
        out.put("sites", survey.answering().stream().map(Participant::name).toList());
        out.put("sites_missing", survey.missing().stream().map(p -> Map.of("site", p.name(), "reason", p.problem()))
                .toList());
        out.put("gtid_position", survey.alignAt());
        out.put("methods_checked", methods.size());
        out.put("tenants", reports);
        out.put("rows_found", found);
        out.put("differing", differing);
        out.put("incomplete_tenants", incomplete);
        out.put("agree", differing == 0 && incomplete == 0 && survey.missing().stream()
                .noneMatch(p -> p.member() == null || p.member().active()));
        out.put("seconds", (System.nanoTime() - started) / 1e9);
        return out;
    }

    /** Asks every answering site (in parallel) for the tenant's findings at the survey's position. */
    Comparison compare(Tenant t, List<MaintenanceMethod> methods, PeerSurvey survey) {
        Comparison c = new Comparison(methods);
        List<String> names = methods.stream().map(MaintenanceMethod::name).toList();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Participant, Future<Map<String, Finding>>> asked = new LinkedHashMap<>();
            for (Participant p : survey.answering()) {
                asked.put(p, ex.submit(() -> p.local() ? localCheck(t.name(), names, survey.alignAt())
                        : remoteCheck(p.member(), t.name(), names, survey.alignAt())));
            }
            for (var e : asked.entrySet()) {
                try {
                    c.answered(e.getKey().name(), e.getValue().get());
                } catch (ExecutionException x) {
                    c.failed(e.getKey().name(), x.getCause().getMessage());
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
                }
            }
        }
        for (Participant p : survey.missing()) {
            if (p.member() != null && p.member().active()) {
                c.failed(p.name(), p.problem());
            }
        }
        return c;
    }

    private Map<String, Finding> remoteCheck(Member m, String tenant, List<String> methods, String alignAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant);
        body.put("methods", methods);
        body.put("wait_gtid", alignAt);
        JsonNode r = peers.call(m, "POST", "/api/v1/peer/dbm/check", body, CALL_TIMEOUT);
        Map<String, Finding> out = new LinkedHashMap<>();
        for (String name : methods) {
            JsonNode f = r.path("results").path(name);
            if (f.isMissingNode()) {
                throw new CuspException(ErrorCode.CONFLICT, "site " + m.name() + " does not know method " + name
                        + " (another Cusp version?)");
            }
            List<Long> ids = new ArrayList<>();
            f.path("ids").forEach(i -> ids.add(i.asLong()));
            out.put(name, new Finding(f.path("count").asLong(), ids, f.path("digest").asText()));
        }
        return out;
    }

    // ------------------------------------------------------------------ at every site, when asked

    /** The tenant's findings here, once this node has applied {@code waitGtid}. */
    public Map<String, Finding> localCheck(String tenant, List<String> methods, String waitGtid) {
        Tenant t = active(tenant);
        ReplicationChannels.awaitCovered(admin, waitGtid, ALIGN_TIMEOUT);
        return local.check(t, MethodCatalog.select(methods, "methods"));
    }

    /** Runs one method's fix here, for the coordinating site; answers this node's GTID position after. */
    public Map<String, Object> localFix(String tenant, String method, boolean allowUnsafe, String requestedBy) {
        Member me = self();
        if (me != null && !me.peer()) {
            throw new CuspException(ErrorCode.READ_ONLY, "site " + siteName + " is a read-only report replica; fix at"
                    + " a peer", "site");
        }
        Tenant t = active(tenant);
        MaintenanceMethod m = MethodCatalog.select(List.of(method), "methods").get(0);
        Map<String, Object> out = new LinkedHashMap<>(local.fix(t, m, new Actor("site-admin", siteName), allowUnsafe,
                requestedBy));
        out.put("gtid_pos", dev.cusp.replication.ReplicationChannels.currentPos(admin));
        return out;
    }

    Tenant active(String tenant) {
        Tenant t = tenants(tenant).get(0);
        if (t.status() == Tenant.Status.SUSPENDED) {
            throw new CuspException(ErrorCode.LOCKED, "practice '" + tenant + "' is suspended; resume it first",
                    "tenant");
        }
        if (t.status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "practice '" + tenant + "' is not ready yet", "tenant");
        }
        return t;
    }

    static Logger log() {
        return LOG;
    }
}
