package dev.cusp.api;

import static dev.cusp.api.OpenApiOp.JSON;
import static dev.cusp.api.OpenApiOp.node;
import static dev.cusp.api.OpenApiOp.op;
import static dev.cusp.api.OpenApiOp.ref;
import static dev.cusp.api.OpenApiSchemas.props;
import static dev.cusp.base.JsonMapping.MAPPER;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cusp.base.CuspVersion;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.Field;
import dev.cusp.tls.RevocationList;
import java.util.List;

/**
 * The OpenAPI 3.1 document of the API, built from the same entity specs that serve and validate
 * the practice records. OpenApiIT checks it against the routes the server registers (each one
 * documented, nothing documented that is not served), and every integration test's requests
 * and answers are validated against it.
 */
final class OpenApi {
    private static final String ADMIN = "/api/v1/admin";
    private static final String PEER = "/api/v1/peer";
    private static final String T = "/api/v1/t/{tenant}";
    private static final ObjectNode STRING = node("type", "string", "minLength", 1);
    private static final ObjectNode BOOL = node("type", "boolean");

    private final ObjectNode paths = MAPPER.createObjectNode();

    private OpenApi() {
    }

    static ObjectNode document() {
        OpenApi d = new OpenApi();
        d.site();
        d.admin();
        d.group();
        d.practice();
        d.documents();
        d.peer();
        d.backups();
        d.documentSync();
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("openapi", "3.1.0");
        doc.set("info", node("title", "Cusp API", "version", CuspVersion.VERSION,
                "description", "Clients send their Cusp version in the header " + dev.cusp.version.ClientVersion.HEADER
                        + "; one of another major.minor is refused with 409 VERSION_MISMATCH naming the side to"
                        + " update. Requests without the header are served. Every error answers"
                        + " {\"error\": {\"code\", \"message\", \"field\"}}."));
        doc.set("servers", MAPPER.createArrayNode().add(node("url", "/", "description",
                "the site itself (HTTPS only)")));
        doc.set("paths", d.paths);
        doc.set("components", node("schemas", OpenApiSchemas.all(), "securitySchemes", node(
                "siteAdmin", node("type", "http", "scheme", "bearer", "description", "the site admin's token,"
                        + " from POST /api/v1/admin/login"),
                "practiceUser", node("type", "http", "scheme", "bearer", "description", "a practice user's token,"
                        + " from POST /api/v1/t/{tenant}/login; valid for that practice only"),
                "peerTls", node("type", "mutualTLS", "description", "the certificate of a site of the"
                        + " replication group, checked during the TLS handshake; each peer route also requires the"
                        + " calling site's role and state"))));
        return doc;
    }

    /** dev.cusp.backup's routes (api.BackupRoutes). */
    private void backups() {
        ObjectNode body = OpenApiSchemas.closed(List.of(), props("tenant", STRING, "all", BOOL));
        put(ADMIN + "/backups", "get", op("This site's practice backups (size, time, method, GTID position, whether"
                + " verified) and the backup and drill schedules").admin()
                .query("tenant", false, STRING, "only this tenant's")
                .answers(200, "Object", "{backups: [...], schedule, failed_drills}"));
        put(ADMIN + "/backups", "post", op("Back up one tenant now {tenant} (201, the backup), or every tenant in"
                + " turn {all: true} (202, a job); never replicated").admin().body(body, true)
                .answers(201, "Object", "the backup").answers(202, "Job", "started: follow the job"));
        put(ADMIN + "/backups/verify", "post", op("Verification drill {tenant, backup?} or {all: true}: load the"
                + " (newest) backup into a scratch database, check its manifest, run the maintenance checks and count"
                + " rows, drop the copy, record the result on the backup").admin()
                .body(OpenApiSchemas.closed(List.of(), props("tenant", STRING, "all", BOOL, "backup", STRING)), true)
                .answers(202, "Job", "started: follow the job"));
    }

    private void put(String path, String method, OpenApiOp op) {
        paths.withObjectProperty(path).set(method, op.build(path, method));
    }

    private void site() {
        put("/api/v1/health", "get", op("Liveness").answers(200, "Health", "the site answers"));
        put("/api/v1/openapi.json", "get", op("This document").answers(200, JSON, node("type", "object"),
                "the OpenAPI 3.1 document"));
        put("/metrics", "get", op("Prometheus text format: replication health and resources; no token").answers(200,
                "text/plain", node("type", "string"), "Prometheus exposition format 0.0.4"));
        put(RevocationList.PATH, "get", op("The site CA's certificate revocation list (DER, signed by the CA, valid"
                + " 7 days, signed again daily): the address site certificates name in their CRL Distribution Points;"
                + " no token").answers(200, RevocationList.CONTENT_TYPE, node("type", "string",
                "contentMediaType", RevocationList.CONTENT_TYPE), "the signed list"));
    }

    private void admin() {
        put(ADMIN + "/login", "post", op("Site-admin login (user 'admin'); failures are throttled per client"
                + " address (429 with Retry-After)").body("Login").answers(200, "AdminToken", "logged in"));
        put(ADMIN + "/status", "get", op("Site, node and tenants").admin().answers(200, "Object", "the site's"
                + " status: site, node, group and tenants"));
        put(ADMIN + "/tenants", "get", op("List tenants").admin().answers(200, "TenantList", "every tenant here"));
        put(ADMIN + "/tenants", "post", op("Create a tenant: its database, database user, first practice"
                + " administrator and document folder. In a replication group the name and id are first claimed at"
                + " every peer: 409 when a peer has either or is making it, 503 while a peer cannot answer").admin()
                .body("TenantCreate").answers(201, "TenantCreated", "created; the passwords are shown this once"));
        String tenant = ADMIN + "/tenants/{name}";
        put(tenant, "get", op("Show a tenant").admin().answers(200, "TenantShown", "the tenant"));
        put(tenant, "delete", op("Drop a tenant: its databases go (after a final backup unless backup=false); its"
                + " document folder is kept").admin()
                .query("confirm", true, node("type", "string", "enum", List.of("yes")), "must be 'yes' (the CLI's"
                        + " --yes): dropping deletes the tenant's databases")
                .query("backup", false, node("type", "string", "enum", List.of("true", "false"), "default", "true"),
                        "false skips the final backup")
                .answers(200, "TenantDropped", "dropped"));
        put(tenant + "/backup", "post", op("Back up a tenant into a backup database, or a file (binary log off)")
                .admin().body(ref("TenantBackup"), false).answers(200, "TenantBackupResult", "backed up"));
        put(tenant + "/restore", "post", op("Restore a tenant to a moment: the newest backup before it, then its own"
                + " transactions from the binary log archive up to it; with 'as', into a new tenant beside the live"
                + " one. The tenant answers 503 while it runs. 400 names the possible range").admin()
                .body("TenantRestore").answers(202, "Job", "started: follow the job"));
        put(tenant + "/restore/range", "get", op("The moments a tenant can be restored to").admin()
                .answers(200, "RestoreRange", "oldest (null: no usable backup) and newest"));
        put(tenant + "/suspend", "post", op("Suspend a tenant: its practice users are refused (423) and their"
                + " sessions end; the other sites are asked to cut them at once, and sessions_cut says which"
                + " confirmed (the rest cut them when the suspend reaches them)").admin()
                .answers(200, "TenantSuspended", "suspended"));
        put(tenant + "/resume", "post", op("Resume a suspended tenant").admin().answers(200, "Tenant", "resumed"));
        put(tenant + "/seed-data", "post", op("Fill an empty tenant with a generated sample practice (same seed and"
                + " size, same rows); answers rows per table and elapsed_ms").admin().body("SeedData")
                .answers(200, "Object", "{tenant, patients, seed, rows: {table: count}, total_rows, elapsed_ms}"));
        put(tenant + "/query", "post", op("Query window as the site admin (the CLI), a break-glass action: 'reason'"
                + " is required and goes, with the statement, to the practice's security log and to the site log; the"
                + " same checks and limits as /api/v1/t/{tenant}/query, run as the tenant's own database user").admin()
                .body("AdminQuery").answers(200, "QueryResult", "the statement's result"));
        put(tenant + "/update", "post", op("The update for one tenant, in its own window; the others stay on their"
                + " schema versions").admin().answers(202, "Job", "started: follow the job"));
        put(tenant + "/dbm/check", "post", op("The maintenance checks for one tenant {methods?, all_sites?}").admin()
                .body(OpenApiSchemas.closed(List.of(), props("methods", methods(), "all_sites", BOOL)), true)
                .answers(202, "Job", "started: follow the job"));
        put(tenant + "/dbm/fix", "post", op("Fix at ONE site {methods, site?, allow_unsafe?}: refused (409) when the"
                + " sites' results differ, (403) for replication-unsafe methods without allow_unsafe; logged to the"
                + " security log; answers each site's findings afterwards").admin()
                .body(OpenApiSchemas.closed(List.of("methods"), props("methods", nonEmpty(methods()), "site", STRING,
                        "allow_unsafe", BOOL)), true)
                .answers(200, "Object", "each site's findings after the fix"));
        put(ADMIN + "/dbm/methods", "get", op("Database maintenance methods: name, table, what each finds and fixes,"
                + " replication_safe and why").admin().answers(200, "Object", "{methods: [...]}"));
        put(ADMIN + "/dbm/check", "post", op("Run the maintenance checks {tenant?, methods?, all_sites?} here or at"
                + " every active site (aligned GTID position) and compare per method").admin()
                .body(OpenApiSchemas.closed(List.of(), props("tenant", STRING, "methods", methods(), "all_sites",
                        BOOL)), true)
                .answers(202, "Job", "started: follow the job"));
        put(ADMIN + "/update", "get", op("The group's update site, this site's Cusp version and newest practice"
                + " schema").admin().answers(200, "Object", "the update state"));
        put(ADMIN + "/update", "post", op("At the update site: check every site (versions, links healthy and caught"
                + " up, nothing fenced), back up every tenant at every site (binary log off), migrate each tenant once,"
                + " verify every site, resume. {designate: SITE} hands the update site role to another peer instead"
                + " (200). 409 at another site, naming the update site; a failed job's error (UPDATE_FAILED) says what"
                + " was migrated, what was left and where the backups are").admin()
                .body(OpenApiSchemas.closed(List.of(), props("designate", STRING)), true)
                .answers(200, "Object", "designate: the role was handed over")
                .answers(202, "Job", "the update started: follow the job"));
        put(ADMIN + "/jobs/{id}", "get", op("A long job's steps, progress and result").admin()
                .query("site", false, STRING, "the site that runs the job, when another")
                .answers(200, "Job", "the job"));
        put(ADMIN + "/conflicts", "get", op("Replication conflicts of every tenant, the whole group's: {site, count,"
                + " conflicts: [{id, tenant, kind, table, row_id, local: {site, change, image}, incoming: {site,"
                + " change, image}, winner, rule, gtid, detected_site, detected_at, status}], unreadable?}").admin()
                .query("tenant", false, node("type", "string", "pattern", "^[a-z][a-z0-9]{0,31}$"), "one tenant's"
                        + " conflicts only")
                .answers(200, "Object", "the conflicts"));
        put(ADMIN + "/conflicts/{tenant}/{id}/restore", "post", op("Write the losing version of a conflict back here"
                + " as a normal replicated change and mark it restored (409 when already restored)").admin()
                .body(node("type", "object", "maxProperties", 0, "description", "nothing, or an empty object"), false)
                .answers(200, "Object", "restored"));
    }

    private void group() {
        String g = ADMIN + "/group";
        put(g, "get", op("The replication group: sites, links, states, lag").admin().answers(200, "Object",
                "the group's status"));
        put(g + "/sites", "get", op("The sites of the group").admin().answers(200, "Object", "{sites: [...]}"));
        put(g + "/sites/{name}", "delete", op("Remove a site from the group").admin().answers(200, "Object",
                "removed"));
        put(g + "/invites", "post", op("A one-time join token {role, expires_minutes, topology}").admin()
                .body(OpenApiSchemas.closed(List.of(), props("role", node("type", "string", "enum",
                        List.of("peer", "replica")), "expires_minutes", node("type", "integer", "default", 60),
                        "topology", node("type", "string", "enum", List.of("mesh", "ring")))), true)
                .answers(201, "Object", "the invitation and its token"));
        put(g + "/join", "post", op("Join the group of a token {token, force}").admin()
                .body(OpenApiSchemas.closed(List.of("token"), props("token", STRING, "force", BOOL)), true)
                .answers(202, "Job", "started: follow the job"));
        put(g + "/leave", "post", op("Leave the group").admin().answers(200, "Object", "left"));
        put(g + "/topology", "put", op("Set the peers' topology").admin()
                .body(OpenApiSchemas.closed(List.of("topology"), props("topology", node("type", "string", "enum",
                        List.of("mesh", "ring")))), true)
                .answers(200, "Object", "the new topology"));
        put(g + "/reseed", "post", op("Re-seed a site {site, from, discard_local}").admin()
                .body(OpenApiSchemas.closed(List.of(), props("site", STRING, "from", STRING, "discard_local", BOOL)),
                        true)
                .answers(202, "Object", "started: a job here, or the job another site runs"));
        put(g + "/check", "post", op("Compare tenant tables at every active site by chunked checksums at an aligned"
                + " GTID position {tenant?}; the job's result names the differing rows").admin()
                .body(OpenApiSchemas.closed(List.of(), props("tenant", STRING)), true)
                .answers(202, "Job", "started: follow the job"));
        put(g + "/repair", "post", op("Check, re-write every differing row at one peer {tenant?, from} so"
                + " replication fixes the other sites, check again").admin()
                .body(OpenApiSchemas.closed(List.of("from"), props("tenant", STRING, "from", STRING)), true)
                .answers(202, "Job", "started: follow the job"));
        put(g + "/alerts", "get", op("Replication alerts").admin()
                .query("all", false, node("type", "string", "enum", List.of("true", "false"), "default", "false"),
                        "true includes cleared alerts")
                .answers(200, "Object", "{alerts: [...]}"));
        put(g + "/guard-override", "post", op("Lift the deletion guard for a while; logged").admin()
                .body(OpenApiSchemas.closed(List.of("minutes", "reason"), props(
                        "minutes", node("type", "integer", "minimum", 1, "maximum", 1440),
                        "reason", node("type", "string", "minLength", 1, "maxLength", 500, "pattern",
                                OpenApiSchemas.NOT_BLANK))), true)
                .answers(200, "Object", "the override and until when"));
    }

    private void practice() {
        put(T + "/login", "post", op("Practice user login; failures are throttled per client address and user (429"
                + " with Retry-After)").body("Login").answers(200, "PracticeToken", "logged in"));
        put(T + "/logout", "post", op("End this token's session").practice().empty(204, "logged out"));
        put(T + "/patients/merge", "post", op("Merge patient 'from' into 'into': its records move, it is marked"
                + " merged. Waits (409) while the deletion guard holds").practice().body("Merge")
                .answers(200, "Merged", "merged"));
        put(T + "/insurance-plans/combine", "post", op("Combine the plans in 'merge' into 'keep'. Waits (409) while"
                + " the deletion guard holds").practice().body("Combine").answers(200, "Combined", "combined"));
        put(T + "/query", "post", op("Query window (practice administrators): one checked statement (SELECT, SHOW"
                + " TABLES, DESCRIBE, SHOW GRANTS; at a report replica also scratch CREATE/DROP TABLE, INSERT, UPDATE,"
                + " DELETE); refused statements answer 400 (field sql), scratch writes elsewhere 409").practice()
                .body("Query").answers(200, "QueryResult", "the statement's result"));
        put(T + "/users", "post", op("Add a practice user (administrators)").practice().body("UserCreate")
                .answers(201, "UserCreated", "added"));
        put(T + "/users/me/password", "put", op("Change your own password; your other sessions end").practice()
                .body("PasswordChange").empty(204, "changed"));
        String user = T + "/users/{user}";
        put(user, "put", op("Set a user's role (administrators); the user's sessions end").practice()
                .body("UserRole").answers(200, "UserAccount", "changed"));
        put(user, "delete", op("Delete a user (administrators); the user's sessions end").practice()
                .empty(204, "deleted"));
        put(user + "/lock", "post", op("Lock a user until unlocked (administrators); the user's sessions end")
                .practice().answers(200, "UserAccount", "locked"));
        put(user + "/unlock", "post", op("Unlock a user and forget its failed logins at this site"
                + " (administrators)").practice().answers(200, "UserAccount", "unlocked"));
        put(T + "/security-log", "get", op("Security log (administrators)").practice()
                .query("entity", false, STRING, "only rows about this table, e.g. patient")
                .answers(200, "SecurityLog", "the newest rows"));
        for (EntitySpec e : Entities.ALL) {
            String n = OpenApiSchemas.name(e);
            String list = T + "/" + e.path();
            OpenApiOp search = op("Search " + e.path()).practice();
            if (!e.search().isEmpty()) {
                search.query("q", false, node("type", "string", "minLength", 1, "maxLength", 100, "pattern",
                        OpenApiSchemas.NOT_BLANK), "a prefix of " + String.join(", ", e.search()));
            }
            search.query("page", false, node("type", "integer", "minimum", 1, "maximum", 1_000_000, "default", 1),
                    "the page, from 1");
            search.query("size", false, node("type", "integer", "minimum", 1, "maximum", 200, "default", 50),
                    "records per page");
            for (String f : e.filters()) {
                Field field = e.field(f).orElseThrow();
                search.query(f, false, filter(field), "only records whose " + f + " equals this");
            }
            put(list, "get", search.answers(200, n + "Page", "one page of matching records, by id"));
            put(list, "post", op("Create a " + e.label()).practice().body(n + "Create")
                    .answers(201, n, "created: the record as stored"));
            String one = list + "/{id}";
            put(one, "get", op("Read a " + e.label()).practice().answers(200, n, "the record"));
            put(one, "put", op("Change the given fields of a " + e.label()).practice().body(n + "Update")
                    .answers(200, n, "changed: the record as stored"));
            String referenced = e.referencedBy().isEmpty() ? "" : " (refused, 409, while "
                    + String.join(", ", e.referencedBy().stream().filter(r -> !r.owned())
                    .map(EntitySpec.Reference::label).toList()) + " point at it"
                    + (e.referencedBy().stream().anyMatch(EntitySpec.Reference::owned) ? "; its "
                    + String.join(", ", e.referencedBy().stream().filter(EntitySpec.Reference::owned)
                    .map(EntitySpec.Reference::label).toList()) + " go with it" : "") + ")";
            put(one, "delete", op("Delete a " + e.label() + referenced).practice().empty(204, "deleted"));
        }
    }

    /** The document routes ({@link DocumentRoutes}, {@link DocumentAdminRoutes}). */
    private void documents() {
        String docs = T + "/documents";
        ObjectNode id = node("type", "integer", "minimum", 1);
        ObjectNode category = node("type", "string", "minLength", 1, "maxLength", 40, "description",
                "letters, digits, spaces, '.', '_' and '-'");
        ObjectNode dateTime = node("type", "string", "pattern", OpenApiSchemas.LOCAL_DATE_TIME_IN);
        ObjectNode dateOrTime = node("type", "string", "pattern",
                "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?)?$");
        ObjectNode binary = node("type", "string", "contentMediaType", "application/octet-stream");
        put(docs + "/upload", "post", op("Upload a document: the body is the file (streamed to disk, hashed as it"
                + " arrives), its Content-Type the file's MIME type, the metadata in the query. Refused with nothing"
                + " kept: empty (400), over document.max.mb or the practice's document.quota.mb (413), a sha256 that"
                + " does not match (400), an unknown patient (400), a body cut short (400 or the connection closed)."
                + " Identical content is stored once").practice()
                .query("file_name", true, node("type", "string", "minLength", 1, "maxLength", 255), "the"
                        + " document's name as the user knows it; data only, never a path")
                .query("patient_id", false, id, "the patient; none for an unfiled document")
                .query("description", false, node("type", "string", "maxLength", 255), "a description")
                .query("category", false, category, "e.g. xray, photo, letter, consent")
                .query("taken_at", false, dateTime, "when the image was taken or the letter written")
                .query("sha256", false, node("type", "string", "pattern", "^[0-9a-f]{64}$"), "the file's SHA-256 as"
                        + " the sender computed it: a file whose bytes hash otherwise is refused")
                .rawBody("the file's bytes")
                .answers(201, "Document", "stored: the document's record"));
        put(docs + "/search", "get", op("Search documents by patient, category and the date taken (taken_from"
                + " inclusive, taken_to exclusive)").practice()
                .query("patient_id", false, id, "only this patient's documents")
                .query("category", false, category, "only this category")
                .query("taken_from", false, dateOrTime, "taken at or after")
                .query("taken_to", false, dateOrTime, "taken before")
                .query("page", false, node("type", "integer", "minimum", 1, "maximum", 1_000_000, "default", 1),
                        "the page, from 1")
                .query("size", false, node("type", "integer", "minimum", 1, "maximum", 200, "default", 50),
                        "records per page")
                .answers(200, "DocumentPage", "one page of matching documents, by id"));
        put(docs + "/{id}/content", "get", op("Download a document's file: ETag is its SHA-256 (If-None-Match"
                + " answers 304), one Range (206, or 416 past the end; If-Range honoured), always as an attachment"
                + " with nosniff and a sandboxing Content-Security-Policy. A file not at this site yet is read"
                + " through from a site that holds it (a Range too), and stored here on the way; 503 while no"
                + " reachable site holds it, or (with Retry-After) while the practice already has 4 read-throughs"
                + " in flight at this site").practice()
                .answers(200, "*/*", binary, "the whole file, in its own MIME type")
                .answers(206, "*/*", binary, "the range asked for (Content-Range)")
                .empty(304, "unchanged (If-None-Match)"));
        String admin = ADMIN + "/tenants/{name}/documents";
        ObjectNode dir = OpenApiSchemas.closed(List.of("dir"), props("dir", node("type", "string",
                "pattern", "^/", "description", "an absolute folder on the site's machine, in HOME/backups or a"
                        + " folder document.paths.allowed lists")));
        put(admin + "/import", "post", op("Import an A-to-Z folder into a practice: patients matched by number,"
                + " else by unique name, else kept unfiled; links are not followed; idempotent. The job's progress"
                + " has files, bytes, rate and eta; its result the report").admin().body(dir, true)
                .answers(202, "Job", "started: follow the job"));
        put(admin + "/export", "post", op("Export a practice's documents to a new plain A-to-Z folder with a"
                + " manifest.sha256").admin().body(dir, true).answers(202, "Job", "started: follow the job"));
    }

    private void peer() {
        put(PEER + "/hello", "get", op("Public facts about this site, for a site about to join; no certificate"
                + " needed").answers(200, "Object", "the site's name, version and schema versions"));
        put(PEER + "/membership", "get", op("Whether the presented certificate's site is a member here")
                .answers(200, "Object", "{member, site?, state?}")
                .answers(503, "Error", "the revocation list of the certificate's site is not known here yet (never"
                        + " read, or its site unreachable): not an answer about membership; try again"));
        put(PEER + "/join", "post", op("A joining site presents its invitation secret and facts; its certificate is"
                + " pinned for the rest of its join").body(ref("Object"), true).answers(200, "Object", "admitted"));
        put(PEER + "/join/complete", "post", op("A joining site reports its seed done").peer()
                .body(OpenApiSchemas.closed(List.of("site", "seed_gtid"), props("site", STRING, "seed_gtid",
                        node("type", "string"))), true)
                .answers(200, "Object", "{site, state}"));
        put(PEER + "/snapshot", "get", op("A snapshot of this site's data for a joining or re-seeding site").peer()
                .query("format", false, node("type", "string", "enum", List.of("physical", "sql")), "physical when"
                        + " possible, else SQL")
                .answers(200, "application/sql", node("type", "string"), "a SQL dump (X-Cusp-Snapshot-Format: sql)")
                .answers(200, "application/octet-stream", node("type", "string", "contentMediaType",
                        "application/octet-stream"), "a physical copy (X-Cusp-Snapshot-Format: physical)"));
        put(PEER + "/links", "post", op("Grant the calling site a replication account here").peer()
                .answers(200, "Object", "the account"));
        put(PEER + "/status", "get", op("This site's replication status").peer().answers(200, "Object", "the"
                + " status"));
        put(PEER + "/remove", "post", op("A site asks to be removed").peer()
                .body(OpenApiSchemas.closed(List.of("site"), props("site", STRING)), true)
                .answers(200, "Object", "removed"));
        put(PEER + "/removed", "post", op("A peer tells this site it was removed").peer().answers(200, "Object",
                "{site, state}"));
        put(PEER + "/reseed", "post", op("A peer asks this site to re-seed").peer()
                .body(OpenApiSchemas.closed(List.of(), props("from", STRING, "discard_local", BOOL)), true)
                .answers(202, "Job", "started"));
        for (String verb : List.of("claim", "release")) {
            put(PEER + "/tenants/" + verb, "post", op(verb.equals("claim") ? "Claim a tenant name and id while the"
                    + " calling site makes it" : "Release a claim").peer()
                    .body(OpenApiSchemas.closed(List.of("name", "id"), props("name", STRING, "id",
                            node("type", "integer"))), true)
                    .answers(200, "Object", verb + "ed"));
        }
        put(PEER + "/jobs/{id}", "get", op("A job a peer started here").peer().answers(200, "Job", "the job"));
        put(PEER + "/url", "post", op("A report replica moved: record the calling site's own new URL and node address"
                + " in its row, once a server of the caller's own CA answers as it at that URL (403 for another"
                + " site's row or a URL where the caller does not answer)").peer()
                .body(OpenApiSchemas.closed(List.of("site", "url", "node_host", "node_port"), props("site", STRING,
                        "url", STRING, "node_host", STRING, "node_port", node("type", "integer"))), true)
                .answers(200, "Object", "{site, url} as recorded"));
        ObjectNode range = OpenApiSchemas.closed(List.of("db", "table", "lo", "hi"), props("db", STRING,
                "table", STRING, "lo", node("type", "integer"), "hi", node("type", "integer"),
                "wait_gtid", node("type", "string")));
        put(PEER + "/check/chunk", "post", op("Checksum of a key range, after waiting for a GTID position").peer()
                .body(range, true).answers(200, "Object", "the checksum"));
        put(PEER + "/check/rows", "post", op("Row checksums of a key range").peer().body(range, true)
                .answers(200, "Object", "the rows' checksums"));
        put(PEER + "/check/rewrite", "post", op("Re-write rows so replication carries them").peer()
                .body(OpenApiSchemas.closed(List.of("db", "table"), props("db", STRING, "table", STRING, "keys",
                        node("type", "array", "items", node("type", "integer")))), true)
                .answers(200, "Object", "rows re-written"));
        put(PEER + "/dbm/check", "post", op("Run maintenance checks here for another site").peer()
                .body(OpenApiSchemas.closed(List.of("tenant"), props("tenant", STRING, "methods", methods(),
                        "wait_gtid", node("type", "string"))), true)
                .answers(200, "Object", "{results: {method: finding}}"));
        put(PEER + "/dbm/fix", "post", op("Run one maintenance fix here for another site").peer()
                .body(OpenApiSchemas.closed(List.of("tenant", "method"), props("tenant", STRING, "method", STRING,
                        "allow_unsafe", BOOL, "requested_by", node("type", "string"))), true)
                .answers(200, "Object", "the finding after the fix"));
        put(PEER + "/update/info", "get", op("This site's versions, for the update site").peer()
                .answers(200, "Object", "versions"));
        ObjectNode tenants = node("type", "array", "items", node("type", "string", "pattern",
                "^[a-z][a-z0-9]{0,31}$"));
        put(PEER + "/restore/apply", "post", op("Put a practice restored at the calling site in place here: fetch its"
                + " files from that site, apply its changes up to fromGtid, swap (binary log off)").peer()
                .body("RestoreOrder").answers(200, "RestoreApplied", "in place here"));
        put(PEER + "/restore/hold", "post", op("Hold a practice the calling site is restoring: lock its account here"
                + " (binary log off), cut its open connections, answer this site's position").peer()
                .body(OpenApiSchemas.closed(List.of("tenant", "from"), props("tenant", node("type", "string"),
                        "from", node("type", "string"), "fromGtid", node("type", "string"))), true)
                .answers(200, "Object", "the tenant and this site's gtid_binlog_pos once its connections are cut"));
        put(PEER + "/suspend/cut", "post", op("A practice suspended at the calling site: once that suspend has"
                + " arrived here (fromGtid) and the practice is suspended here, its open connections here are"
                + " killed (409 when it is not suspended here)").peer()
                .body(OpenApiSchemas.closed(List.of("tenant", "from"), props("tenant", node("type", "string"),
                        "from", node("type", "string"), "fromGtid", node("type", "string"))), true)
                .answers(200, "RestoreApplied", "its connections here are cut"));
        put(PEER + "/restore/{name}/file", "get", op("A file of a practice this site restored, to a site of its group"
                + " putting it in place").peer().query("path", true, node("type", "string"), "the file, as its"
                + " manifest names it").answers(200, "application/octet-stream", node("type", "string",
                "contentMediaType", "application/octet-stream"), "the file's bytes"));
        put(PEER + "/update/backup", "post", op("Back up tenants here before an update").peer()
                .body(OpenApiSchemas.closed(List.of("tenants"), props("tenants", tenants)), true)
                .answers(200, "Object", "the backups"));
        put(PEER + "/update/verify", "post", op("Verify tenants here after an update").peer()
                .body(OpenApiSchemas.closed(List.of("tenants"), props("tenants", tenants, "wait_gtid",
                        node("type", "string"), "timeout_seconds", node("type", "integer"))), true)
                .answers(200, "Object", "what each tenant's schema is here"));
    }

    /** Document replication (DocumentSyncRoutes): the backlog, the files' check and repair, a file by hash. */
    private void documentSync() {
        String docs = "/api/v1/admin/documents";
        ObjectNode tenantOnly = OpenApiSchemas.closed(List.of(), props("tenant", STRING));
        put(docs + "/sync", "get", op("This site's document replication: files and bytes missing here, the age of"
                + " the oldest, transfers running, totals fetched").admin().answers(200, "Object", "the backlog"));
        put(docs + "/check", "post", op("At every active site, check that each hash a practice's document rows name"
                + " is stored and hashes to its name {tenant?}").admin().body(tenantOnly, true)
                .answers(202, "Job", "started: follow the job"));
        put(docs + "/repair", "post", op("At every active site, fetch missing files and those whose bytes do not"
                + " hash to their name again from a site that holds them good, then report {tenant?}").admin()
                .body(tenantOnly, true).answers(202, "Job", "started: follow the job"));
        put(PEER + "/documents/{tenant}/{hash}", "get", op("A file's bytes, for another member's document"
                + " replication; only a hash a document row of that practice names; Range: bytes=N- resumes. A file"
                + " the row names that this site is itself still fetching is read through from another member (not"
                + " the caller), unless the request carries X-Cusp-Read-Through (then 404: one hop at most)").peer()
                .answers(200, "application/octet-stream", node("type", "string", "format", "binary"), "the file")
                .answers(206, "application/octet-stream", node("type", "string", "format", "binary"),
                        "the file from the requested offset"));
        put(PEER + "/documents/check", "post", op("This site's share of a files check {tenant?}").peer()
                .body(tenantOnly, true).answers(200, "Object", "missing and corrupt files per practice"));
        put(PEER + "/documents/repair", "post", op("This site's share of a files repair {tenant?}").peer()
                .body(tenantOnly, true).answers(200, "Object", "missing and corrupt files found, and re-fetched"));
        ObjectNode hashes = node("type", "array", "minItems", 1, "maxItems", dev.cusp.docsync.FileStream.MAX_FILES,
                "items", node("type", "string", "pattern", "^[0-9a-f]{64}$"));
        put(PEER + "/documents/{tenant}" + dev.cusp.docsync.FileStream.SUFFIX, "post", op("Many files' bytes in one"
                + " answer, for another member's document replication {hashes}: per hash, in order, a line"
                + " '<sha256> <length>' then the bytes, or length -1 for a file not given (only hashes a document"
                + " row of that practice names)").peer().body(OpenApiSchemas.closed(List.of("hashes"),
                props("hashes", hashes)), true).answers(200, "application/octet-stream", node("type", "string",
                "format", "binary"), "the framed files"));
    }

    private static ObjectNode nonEmpty(ObjectNode array) {
        ObjectNode m = array.deepCopy();
        m.put("minItems", 1);
        return m;
    }

    private static ObjectNode methods() {
        return node("type", "array", "items", node("type", "string", "minLength", 1), "description",
                "maintenance method names, as GET /api/v1/admin/dbm/methods lists them");
    }

    /** A search filter's value as the server parses it. */
    private static ObjectNode filter(Field f) {
        return switch (f.kind()) {
            case INT, REF -> node("type", "integer");
            case BOOL -> node("type", "boolean");
            case DATE -> node("type", "string", "format", "date");
            // Any text up to the length the server reads; a value no record has matches none.
            default -> node("type", "string", "maxLength", Math.max(f.maxLength(), 40));
        };
    }
}
