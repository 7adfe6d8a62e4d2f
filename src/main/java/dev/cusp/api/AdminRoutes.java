package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.secret.Passwords;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantService;
import dev.cusp.wire.BackupDone;
import dev.cusp.wire.LoginAnswer;
import dev.cusp.wire.SiteStatus;
import dev.cusp.wire.TenantCreated;
import dev.cusp.wire.TenantDetail;
import dev.cusp.wire.TenantDropped;
import dev.cusp.wire.TenantView;
import dev.cusp.wire.Tenants;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The site-admin API: everything the CLI does goes through here. */
public final class AdminRoutes implements RouteModule {
    private static final String BASE = "/api/v1/admin";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminRoutes.class);
    /** The one site-admin user name; any other name fails like a wrong password. */
    private static final String ADMIN_USER = "admin";

    private final TenantService tenants;
    private final Sessions sessions;
    private final Supplier<String> adminHash;
    private final Supplier<SiteStatus> siteStatus;
    private final LoginThrottle throttle;

    /**
     * @param throttle the site-admin login's own throttle (by client address, and for the user
     *                 name), separate from the practices'
     */
    public AdminRoutes(TenantService tenants, Sessions sessions, Supplier<String> adminHash,
                       Supplier<SiteStatus> siteStatus, LoginThrottle throttle) {
        this.tenants = tenants;
        this.throttle = throttle;
        this.sessions = sessions;
        this.adminHash = adminHash;
        this.siteStatus = siteStatus;
    }

    @Override
    public void register(Javalin app) {
        app.get("/api/v1/health", ctx -> Json.send(ctx, Map.of("status", "ok")), ApiRole.PUBLIC);
        app.post(BASE + "/login", this::login, ApiRole.ADMIN_LOGIN);
        Before.under(app, BASE, ctx -> {
            if (!ctx.path().equals(BASE + "/login")) {
                if (!sessions.require(ctx.header("Authorization")).siteAdmin()) {
                    throw new CuspException(ErrorCode.FORBIDDEN, "this needs the site admin; a practice user's token"
                            + " cannot use the admin API");
                }
            }
        });
        app.get(BASE + "/status", ctx -> ctx.json(status()), ApiRole.ADMIN_READ);
        app.get(BASE + "/tenants", ctx -> ctx.json(new Tenants(list())), ApiRole.ADMIN_READ);
        app.post(BASE + "/tenants", this::create, ApiRole.ADMIN_WRITE);
        app.get(BASE + "/tenants/{name}", ctx -> ctx.json(show(ctx.pathParam("name"))), ApiRole.ADMIN_READ);
        app.post(BASE + "/tenants/{name}/backup", this::backup, ApiRole.ADMIN_WRITE);
        app.post(BASE + "/tenants/{name}/suspend", ctx -> {
            TenantService.Suspended s = tenants.suspendEverywhere(name(ctx));
            // The tenant as always, and which other sites confirmed its sessions there are cut.
            com.fasterxml.jackson.databind.node.ObjectNode answer = Json.MAPPER.valueToTree(describe(s.tenant(), null));
            answer.set("sessions_cut", Json.MAPPER.valueToTree(s.cuts()));
            ctx.json(answer);
        }, ApiRole.ADMIN_WRITE);
        app.post(BASE + "/tenants/{name}/resume", ctx -> ctx.json(describe(tenants.resume(name(ctx)), null)), ApiRole.ADMIN_WRITE);
        app.delete(BASE + "/tenants/{name}", this::drop, ApiRole.ADMIN_WRITE);
        app.post(BASE + "/tenants/{name}/seed-data", ctx -> SeedDataRoute.handle(ctx, tenants), ApiRole.ADMIN_WRITE);
    }

    private void login(Context ctx) {
        JsonNode b = Json.body(ctx);
        Json.only(b, "user", "password");
        String user = Json.text(b, "user", true);
        String password = Json.text(b, "password", true);
        // No global lockout: failures from elsewhere never keep the real admin, at an address
        // that has not failed, from logging in.
        String from = PracticeRoutes.clientAddress(ctx);
        // There is one account: every failure counts against it, whatever name was typed, so
        // spraying names gains nothing.
        String key = ADMIN_USER;
        LoginThrottle.Attempt attempt = throttle.begin(from, key);
        // The hash is checked whatever the name, so the answer time does not tell the name.
        boolean ok = Passwords.verify(password, adminHash.get()) && ADMIN_USER.equals(user);
        if (!ok) {
            LOG.info("site-admin login failed from {}", from);
            if (attempt.addressWaits() || attempt.userWaits()) {
                LOG.warn("site-admin login: failures from {} reached login.max.failures; further attempts by {} wait",
                        from, attempt.addressWaits() ? "that address" : "addresses that failed");
            }
            throw new CuspException(ErrorCode.UNAUTHENTICATED, "wrong user name or password");
        }
        throttle.succeeded(from, key);
        LOG.info("site-admin login from {}", from);
        String token = sessions.issueSiteAdmin();
        ctx.json(new LoginAnswer(token, sessions.ttl().toSeconds()));
    }

    private SiteStatus status() {
        return siteStatus.get().with(list());
    }

    private List<TenantView> list() {
        Map<String, Long> sizes = tenants.sizes();
        List<TenantView> out = new ArrayList<>();
        for (Tenant t : tenants.registry().all()) {
            out.add(describe(t, sizes.getOrDefault(t.name(), 0L)));
        }
        return out;
    }

    private TenantDetail show(String name) {
        Tenant t = tenants.registry().require(name);
        return TenantDetail.of(describe(t, tenants.sizes().getOrDefault(name, 0L)), tenants.databases(t),
                tenants.documentsOf(t).toString());
    }

    private void create(Context ctx) {
        JsonNode b = Json.body(ctx);
        Json.only(b, "name", "id");
        String name = Json.text(b, "name", true);
        JsonNode idNode = b.get("id");
        if (idNode != null && !idNode.isNull() && (!idNode.isIntegralNumber() || !idNode.canConvertToInt())) {
            throw CuspException.invalid("id", "id must be a whole number from 1 to 999999999");
        }
        Integer id = idNode == null || idNode.isNull() ? null : idNode.asInt();
        TenantService.Created c = tenants.create(name, id);
        ctx.status(201).json(TenantCreated.of(describe(c.tenant(), null), c.dbPassword(), c.host(), c.port(),
                c.adminUser(), c.adminPassword(), c.documents().toString()));
    }

    private void backup(Context ctx) {
        String name = name(ctx);
        boolean toFile = false;
        Path file = null;
        if (!Json.bodyText(ctx).isBlank()) {
            JsonNode b = Json.body(ctx);
            Json.only(b, "to_file", "file");
            toFile = Json.bool(b, "to_file", false);
            String f = Json.text(b, "file", false);
            file = f == null ? null : Path.of(f);
        }
        TenantService.Backup r = tenants.backup(name, toFile, file);
        ctx.json(new BackupDone(name, r.database(), r.file() == null ? null : r.file().toString(),
                r.documents() == null ? null : r.documents().toString()));
    }

    private void drop(Context ctx) {
        String name = name(ctx);
        if (!"yes".equals(ctx.queryParam("confirm"))) {
            throw CuspException.invalid("confirm", "dropping tenant '" + name + "' deletes its databases: confirm with"
                    + " ?confirm=yes (CLI: --yes)");
        }
        String backup = ctx.queryParamAsClass("backup", String.class).getOrDefault("true");
        if (!backup.equals("true") && !backup.equals("false")) {
            throw CuspException.invalid("backup", "backup must be true or false");
        }
        TenantService.Dropped d = tenants.drop(name, backup.equals("true"));
        ctx.json(new TenantDropped(name, d.databases(), d.finalBackup() == null ? null : d.finalBackup().toString(),
                d.documentsKept() == null ? null : d.documentsKept().toString()));
    }

    private static String name(Context ctx) {
        return ctx.pathParam("name");
    }

    static TenantView describe(Tenant t, Long size) {
        return new TenantView(t.name(), t.id(), t.dbName(), t.dbUser(), t.status().label(), t.schemaVersion(),
                t.createdAt() == null ? null : t.createdAt().toString(), size);
    }
}
