package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.document.DocumentStore;
import dev.cusp.docsync.DocumentCheck;
import dev.cusp.docsync.DocumentRows;
import dev.cusp.docsync.DocumentSync;
import dev.cusp.docsync.FileReport;
import dev.cusp.docsync.ThroughStream;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantNames;
import dev.cusp.tenant.TenantRegistry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Document replication's routes. Peer: {@code GET /api/v1/peer/documents/{tenant}/{hash}}
 * gives another active member a file's bytes (from an offset with {@code Range: bytes=N-}, so a
 * cut transfer resumes), and {@code POST .../check} and {@code .../repair} are a site's share of
 * {@code cusp check} and {@code cusp repair}. Admin: the backlog, and the group-wide check and
 * repair as jobs.
 *
 * <p>What a member's certificate reaches here: only a file whose hash a {@code document} row of
 * that practice names at this site (every practice replicates to every member), found by a
 * name that is checked to be a hash and a practice known here, never a path from the request.
 * A file such a row names that this site is itself still fetching is read through from another
 * member with this site's own certificate, under the same practice's name (so that member makes
 * the same check), marked so it goes no further: a member's certificate gets nothing through this
 * site it could not fetch from the other member itself.
 */
public final class DocumentSyncRoutes implements RouteModule {
    private static final String PEER = "/api/v1/peer/documents";
    private static final String ADMIN = "/api/v1/admin/documents";
    private static final Pattern OPEN_RANGE = Pattern.compile("bytes=(\\d{1,18})-");
    private final DocumentSync sync;
    private final DocumentCheck check;
    private final TenantRegistry registry;
    private final DataSource admin;
    private final Jobs jobs;
    private final MetricsRoutes metrics;

    public DocumentSyncRoutes(DocumentSync sync, DocumentCheck check, TenantRegistry registry, DataSource admin,
                              Jobs jobs, MetricsRoutes metrics) {
        this.metrics = metrics;
        this.sync = sync;
        this.check = check;
        this.registry = registry;
        this.admin = admin;
        this.jobs = jobs;
    }

    /** Adds the scrub's count of corrupt files found to {@code /metrics}. */
    public DocumentSyncRoutes scrub(dev.cusp.docsync.Scrub scrub) {
        io.micrometer.core.instrument.FunctionCounter.builder("cusp.documents.scrub.corrupt", scrub,
                dev.cusp.docsync.Scrub::corruptFound).description("Stored files the background scrub found whose"
                        + " bytes no longer hash to their name (set aside and fetched again), since start")
                .register(metrics.registry());
        return this;
    }

    @Override
    public void register(Javalin app) {
        gauges(metrics.registry());
        app.get(PEER + "/{tenant}/{hash}", this::content, PeerAccess.ACTIVE_MEMBER);
        app.post(PEER + "/{tenant}" + dev.cusp.docsync.FileStream.SUFFIX, new DocumentStreamRoute(registry, admin,
                sync.store())::serve, PeerAccess.ACTIVE_MEMBER);
        app.post(PEER + "/check", ctx -> ctx.json(check.local(request(ctx).tenant(), false)), PeerAccess.ACTIVE_MEMBER);
        app.post(PEER + "/repair", ctx -> ctx.json(check.local(request(ctx).tenant(), true)), PeerAccess.ACTIVE_MEMBER);
        app.get(ADMIN + "/sync", ctx -> ctx.json(sync.backlog()), ApiRole.ADMIN_READ);
        // A check or repair changes no replicated data (a repair re-fetches verified files): a replica starts them too.
        app.post(ADMIN + "/check", ctx -> start(ctx, "documents-check", false), ApiRole.ADMIN_AT_REPLICA);
        app.post(ADMIN + "/repair", ctx -> start(ctx, "documents-repair", true), ApiRole.ADMIN_AT_REPLICA);
    }

    /** {@code /metrics}: the backlog (no practice names: totals only). */
    void gauges(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge.builder("cusp.documents.backlog.files", sync, s -> s.backlog().files())
                .description("Files the practices' rows name that this site does not hold yet").register(registry);
        io.micrometer.core.instrument.Gauge.builder("cusp.documents.backlog.bytes", sync, s -> s.backlog().bytes())
                .description("Bytes of those files, as their rows state them").baseUnit("bytes").register(registry);
        io.micrometer.core.instrument.Gauge.builder("cusp.documents.backlog.oldest.seconds", sync, s -> {
            Long age = s.backlog().oldestSeconds();
            return age == null ? 0 : age;
        }).description("How long the oldest missing file has been missing here (0: none missing)")
                .baseUnit("seconds").register(registry);
        io.micrometer.core.instrument.Gauge.builder("cusp.documents.unsettled.files", sync,
                s -> s.store().unsettledFiles()).description("Fetched files renamed into place whose bytes are not"
                        + " forced to disk yet (a start after a power cut checks them again); settled within seconds")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("cusp.documents.fetched.bytes", sync,
                s -> s.backlog().fetchedBytes()).description("Bytes of files fetched from other sites since start")
                .baseUnit("bytes").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("cusp.documents.readthrough.started", sync,
                DocumentSync::readThroughTransfers).description("Transfers from other sites begun for downloads of"
                        + " files not here yet (whole files and ranges) and for other sites' fetches, since start")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("cusp.documents.readthrough.joined", sync,
                DocumentSync::readThroughJoined).description("Downloads that followed a transfer already under way"
                        + " instead of starting one, since start").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("cusp.documents.readthrough.refused", sync,
                DocumentSync::readThroughRefused).description("Downloads refused with a 503 (retry) because their"
                        + " practice was at its bound on read-through transfers or waiting downloads, since start")
                .register(registry);
    }

    private void start(Context ctx, String kind, boolean mend) {
        String tenant = request(ctx).tenant();
        check.tenants(tenant);
        Job job = jobs.start(kind, j -> check.acrossGroup(tenant, mend, j));
        ctx.status(202).json(job.describe());
    }

    private static FileReport.Request request(Context ctx) {
        JsonNode b = Json.body(ctx);
        Json.only(b, "tenant");
        String tenant = Json.text(b, "tenant", false);
        if (tenant != null) {
            TenantNames.requireName(tenant);
        }
        return new FileReport.Request(tenant);
    }

    private void content(Context ctx) throws Exception {
        String sha = DocumentStore.requireHash(ctx.pathParam("hash"), "hash");
        String name = ctx.pathParam("tenant");
        Tenant t = registry.find(TenantNames.requireName(name)).orElseThrow(() -> notHere());
        if (!DocumentRows.referenced(admin, t.dbName(), sha)) {
            throw notHere();
        }
        Path f = sync.store().file(t.dbName(), sha);
        FileChannel ch;
        try {
            ch = FileChannel.open(f, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            readThrough(ctx, t, sha);
            return;
        }
        try (ch) {
            long size = ch.size();
            long from = from(ctx, size);
            headers(ctx, sha, from, size);
            ch.position(from);
            try (InputStream in = Channels.newInputStream(ch); OutputStream out = ctx.res().getOutputStream()) {
                in.transferTo(out);
            }
        }
    }

    /**
     * A file a row here names but this site does not hold yet (it is still fetching it: a ring
     * site's upstream): read through from another member, stored here on the way, so a chain
     * a -> b -> c does not wait for b's own transfer. Only for a request that is not itself a
     * read-through ({@link ThroughStream#HOP}): one hop at most, never a loop. The caller gets
     * only what it could fetch itself (a file a row of that practice names here), and is not
     * asked back. A resumed fetch ({@code Range: bytes=N-}) gets the rest: the whole file still
     * passes through this site's store, the first N bytes are not sent.
     */
    private void readThrough(Context ctx, Tenant t, String sha) throws Exception {
        if (ctx.header(ThroughStream.HOP) != null) {
            throw notHere();
        }
        dev.cusp.group.Member caller = ctx.attribute(PeerAccess.CALLER);
        ThroughStream.Opened through = sync.readThroughFor(caller == null ? "" : caller.name(), t.name(), t.dbName(),
                sha).orElseThrow(DocumentSyncRoutes::notHere);
        try (InputStream in = through.in()) {
            long size = through.length();
            long from = size < 0 ? 0 : from(ctx, size);
            headers(ctx, sha, from, size);
            try {
                in.skipNBytes(from);
            } catch (java.io.IOException e) {
                // The length is set already: a JSON error now would not match it either.
                throw DocumentRoutes.cut(ctx, e);
            }
            OutputStream out = ctx.res().getOutputStream();
            byte[] buf = new byte[65536];
            for (int n; (n = read(ctx, in, buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        }
    }

    /**
     * Reads from a read-through; a failure there (the other member's bytes did not hash, its
     * transfer broke or stalled) cuts the connection, as a download's does ({@link DocumentRoutes#cut}):
     * the status and length are sent, so an error body now would reach the fetching site as the file's bytes.
     */
    private static int read(Context ctx, InputStream in, byte[] buf) throws java.io.IOException {
        try {
            return in.read(buf, 0, buf.length);
        } catch (java.io.IOException e) {
            throw DocumentRoutes.cut(ctx, e);
        }
    }

    /** The offset of a resumed fetch ({@code Range: bytes=N-}), or 0 for the whole file. */
    private static long from(Context ctx, long size) {
        String range = ctx.header("Range");
        Matcher m = range == null ? null : OPEN_RANGE.matcher(range.trim());
        return m != null && m.matches() && Long.parseLong(m.group(1)) < size ? Long.parseLong(m.group(1)) : 0;
    }

    /** @param size the file's length; -1 when not known (a read-through whose source did not say) */
    private static void headers(Context ctx, String sha, long from, long size) {
        ctx.header("ETag", "\"" + sha + "\"");
        ctx.header("Accept-Ranges", "bytes");
        if (from > 0) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
        }
        ctx.contentType("application/octet-stream");
        if (size >= 0) {
            ctx.res().setContentLengthLong(size - from);
        }
    }

    private static CuspException notHere() {
        return new CuspException(ErrorCode.NOT_FOUND, "this site does not hold that file");
    }
}
