package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.document.DocumentPaths;
import dev.cusp.document.DocumentStores;
import dev.cusp.document.FolderExport;
import dev.cusp.document.FolderImport;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.practice.Actor;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantNames;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.wire.TransferProgress;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Import and export of a practice's A-to-Z folder by the site admin ({@code cusp tenant
 * import-documents} / {@code export-documents}): jobs, since a folder holds gigabytes. The folder
 * is on the site's machine, in a folder {@link DocumentPaths} allows. The admin before-handler
 * has required the site admin's token.
 */
public final class DocumentAdminRoutes implements RouteModule {
    private static final String BASE = "/api/v1/admin/tenants/{name}/documents";

    private final TenantRegistry registry;
    private final TenantPools pools;
    private final DocumentStores stores;
    private final DocumentPaths paths;
    private final Jobs jobs;
    private final String site;
    private final long maxBytes;

    public DocumentAdminRoutes(TenantRegistry registry, TenantPools pools, DocumentStores stores, DocumentPaths paths,
                               Jobs jobs, String site, long maxBytes) {
        this.registry = registry;
        this.pools = pools;
        this.stores = stores;
        this.paths = paths;
        this.jobs = jobs;
        this.site = site;
        this.maxBytes = maxBytes;
    }

    @Override
    public void register(Javalin app) {
        // An import writes the practice's records (refused at a report replica, which gets them from
        // its upstream); an export only reads them.
        app.post(BASE + "/import", ctx -> {
            Tenant t = active(ctx.pathParam("name"));
            Path dir = paths.importFrom(dir(Json.body(ctx)));
            Job job = jobs.start("document-import " + t.name(), j -> {
                j.step("importing " + dir + " into " + t.name());
                return work(t, "import", () -> {
                    try (TenantPools.Lease l = pools.lease(t)) {
                        return FolderImport.run(dir, stores.of(t.dbName()), l.connection(),
                                new Actor("site-admin", site), maxBytes, progress(j));
                    }
                });
            });
            ctx.status(202);
            Json.send(ctx, job.describe());
        }, ApiRole.ADMIN_WRITE);
        app.post(BASE + "/export", ctx -> {
            Tenant t = active(ctx.pathParam("name"));
            Path dir = paths.exportTo(dir(Json.body(ctx)));
            Job job = jobs.start("document-export " + t.name(), j -> {
                j.step("exporting " + t.name() + " into " + dir);
                return work(t, "export", () -> {
                    try (TenantPools.Lease l = pools.lease(t)) {
                        return FolderExport.run(l.connection(), stores.of(t.dbName()), dir, progress(j));
                    }
                });
            });
            ctx.status(202);
            Json.send(ctx, job.describe());
        }, ApiRole.ADMIN_AT_REPLICA);
    }

    private static String dir(JsonNode b) {
        Json.only(b, "dir");
        return Json.text(b, "dir", true);
    }

    private Tenant active(String name) {
        TenantNames.requireName(name);
        Tenant t = registry.require(name);
        if (t.status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.CONFLICT, "tenant '" + name + "' is " + t.status().name().toLowerCase()
                    + "; its documents move only while it is active");
        }
        return t;
    }

    @FunctionalInterface
    private interface Work {
        Object run() throws IOException, SQLException;
    }

    private static Object work(Tenant t, String what, Work w) {
        try {
            return w.run();
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INVALID_INPUT, "the " + what + " of " + t.name() + "'s documents"
                    + " stopped: " + e.getMessage() + "; run it again (it goes on where it stopped)", "dir", e);
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the " + what + " of " + t.name() + "'s documents"
                    + " stopped: " + e.getMessage() + "; run it again", null, e);
        }
    }

    /** Files, bytes, rate and time left, at most a few times a second. */
    private static FolderImport.Progress progress(Job j) {
        long started = System.nanoTime();
        long[] last = {0};
        return (files, filesTotal, bytes, bytesTotal) -> {
            long now = System.nanoTime();
            if (now - last[0] < 200_000_000L && files < filesTotal) {
                return;
            }
            last[0] = now;
            double seconds = Math.max(0.001, (now - started) / 1e9);
            long rate = (long) (bytes / seconds);
            TransferProgress p = new TransferProgress(files, filesTotal, bytes, bytesTotal, rate,
                    rate > 0 ? (bytesTotal - bytes) / rate : -1);
            j.progress(p);
        };
    }
}
