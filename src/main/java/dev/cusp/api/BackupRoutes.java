package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupList;
import dev.cusp.backup.BackupManifest;
import dev.cusp.backup.BackupScheduler;
import dev.cusp.backup.BackupService;
import dev.cusp.backup.BackupSummary;
import dev.cusp.error.CuspException;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.tenant.TenantNames;
import io.javalin.Javalin;

/**
 * This site's practice backups (admin token, like all of {@code /api/v1/admin}):
 * {@code GET /api/v1/admin/backups[?tenant=NAME]} lists them with the schedules' state;
 * {@code POST /api/v1/admin/backups {"tenant"}} backs one practice up now (201), {@code
 * {"all": true}} every practice in turn (202, a job); {@code POST /api/v1/admin/backups/verify
 * {"tenant", "backup"?} or {"all": true}} runs the verification drill (202, a job).
 */
public final class BackupRoutes {
    private final BackupService backups;
    private final BackupScheduler scheduler;
    private final Jobs jobs;

    public BackupRoutes(BackupService backups, BackupScheduler scheduler, Jobs jobs) {
        this.backups = backups;
        this.scheduler = scheduler;
        this.jobs = jobs;
    }

    void register(Javalin app) {
        app.get("/api/v1/admin/backups", ctx -> {
            String tenant = ctx.queryParam("tenant");
            if (tenant != null) {
                TenantNames.requireName(tenant);
            }
            Json.send(ctx, new BackupList(backups.list(tenant).stream().map(BackupSummary::of).toList(),
                    scheduler.status(), backups.failedDrills()));
        });
        app.post("/api/v1/admin/backups", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "all");
            String tenant = tenantOrAll(b);
            if (tenant == null) {
                Job job = jobs.start("backup", j -> backups.backupAll(BackupManifest.KIND_MANUAL));
                ctx.status(202).json(job.describe());
                return;
            }
            ctx.status(201);
            Json.send(ctx, BackupSummary.of(backups.backup(tenant, BackupManifest.KIND_MANUAL)));
        });
        app.post("/api/v1/admin/backups/verify", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "all", "backup");
            String tenant = tenantOrAll(b);
            String id = Json.text(b, "backup", false);
            if (tenant == null && id != null) {
                throw CuspException.invalid("backup", "backup names one backup of one tenant: give tenant too");
            }
            if (tenant != null) {
                backups.list(tenant);
            }
            Job job = jobs.start("backup-verify", j -> tenant == null ? backups.verifyAll()
                    : backups.verify(tenant, id));
            ctx.status(202).json(job.describe());
        });
    }

    /** The tenant named in the body, or null for {@code "all": true}; exactly one of the two. */
    private static String tenantOrAll(JsonNode b) {
        String tenant = Json.text(b, "tenant", false);
        boolean all = Json.bool(b, "all", false);
        if ((tenant == null) == !all) {
            throw CuspException.invalid("tenant", "name one tenant, or all: true (not both)");
        }
        if (tenant != null) {
            TenantNames.requireName(tenant);
        }
        return tenant;
    }
}
