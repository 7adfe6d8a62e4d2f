package dev.cusp.api;

import dev.cusp.CuspVersion;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.Field;
import dev.cusp.tls.RevocationList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI 3.1 document of the API, built from the same entity specs that serve it. */
final class OpenApi {
    private OpenApi() {
    }

    static Map<String, Object> document() {
        Map<String, Object> paths = new LinkedHashMap<>();
        paths.put("/api/v1/health", Map.of("get", op("Liveness", false, null, "Ok")));
        paths.put("/api/v1/admin/login", Map.of("post", op("Site-admin login", false, "Login", "Token")));
        paths.put("/api/v1/admin/status", Map.of("get", op("Site, node and tenants", true, null, "Object")));
        paths.put("/api/v1/admin/tenants", Map.of("get", op("List tenants", true, null, "Object"),
                "post", op("Create a tenant. In a replication group the name and id are first claimed at every"
                        + " peer: 409 when a peer has either or is making it, 503 while a peer cannot answer", true,
                        "TenantCreate", "Object")));
        paths.put("/api/v1/admin/tenants/{name}", Map.of("get", op("Show a tenant", true, null, "Object"),
                "delete", op("Drop a tenant (?confirm=yes, ?backup=false to skip the final backup)", true, null,
                        "Object")));
        for (String verb : List.of("backup", "suspend", "resume")) {
            paths.put("/api/v1/admin/tenants/{name}/" + verb, Map.of("post", op(verb + " a tenant", true, null,
                    "Object")));
        }
        paths.put("/api/v1/admin/tenants/{name}/seed-data", Map.of("post", op("Fill an empty tenant with a generated"
                + " sample practice (same seed and size, same rows); answers rows per table and elapsed_ms", true,
                "SeedData", "Object")));
        paths.put("/api/v1/admin/tenants/{name}/query", Map.of("post", op("Query window as the site admin (the CLI),"
                + " a break-glass action: 'reason' is required and goes, with the statement, to the practice's"
                + " security log and to the site log; the same checks and limits as /api/v1/t/{tenant}/query, run as"
                + " the tenant's own database user", true, "AdminQuery", "QueryResult")));
        paths.put("/api/v1/admin/group", Map.of("get", op("The replication group: sites, links, states, lag", true,
                null, "Object")));
        paths.put("/api/v1/admin/group/invites", Map.of("post", op("One-time join token {role, expires_minutes,"
                + " topology}", true, null, "Object")));
        paths.put("/api/v1/admin/group/join", Map.of("post", op("Join the group of a token {token, force}: 202, a job",
                true, null, "Object")));
        paths.put("/api/v1/admin/group/sites/{name}", Map.of("delete", op("Remove a site from the group", true, null,
                "Object")));
        paths.put("/api/v1/admin/group/leave", Map.of("post", op("Leave the group", true, null, "Object")));
        paths.put("/api/v1/admin/group/topology", Map.of("put", op("Set the peers' topology {topology: mesh|ring}",
                true, null, "Object")));
        paths.put("/api/v1/admin/group/reseed", Map.of("post", op("Re-seed a site {site, from, discard_local}: 202,"
                + " a job", true, null, "Object")));
        paths.put("/api/v1/admin/group/check", Map.of("post", op("Compare tenant tables at every active site by chunked"
                + " checksums at an aligned GTID position {tenant?}: 202, a job whose result names the differing rows",
                true, null, "Object")));
        paths.put("/api/v1/admin/group/repair", Map.of("post", op("Check, re-write every differing row at one peer"
                + " {tenant?, from} so replication fixes the other sites, check again: 202, a job", true, null,
                "Object")));
        paths.put("/api/v1/admin/conflicts", Map.of("get", op("Replication conflicts of every tenant (?tenant=NAME for"
                + " one), the whole group's: {site, count, conflicts: [{id, tenant, kind, table, row_id, local: {site,"
                + " change, image}, incoming: {site, change, image}, winner, rule, gtid, detected_site, detected_at,"
                + " status}]}", true, null, "Object")));
        paths.put("/api/v1/admin/conflicts/{tenant}/{id}/restore", Map.of("post", op("Write the losing version of a"
                + " conflict back here as a normal replicated change and mark it restored (409 when already restored)",
                true, null, "Object")));
        paths.put("/api/v1/admin/group/alerts", Map.of("get", op("Replication alerts (?all=true with cleared ones)",
                true, null, "Object")));
        paths.put("/api/v1/admin/group/guard-override", Map.of("post", op("Lift the deletion guard for a while"
                + " {minutes, reason}", true, null, "Object")));
        paths.put("/api/v1/admin/dbm/methods", Map.of("get", op("Database maintenance methods: name, table, what each"
                + " finds and fixes, replication_safe and why", true, null, "Object")));
        paths.put("/api/v1/admin/dbm/check", Map.of("post", op("Run the maintenance checks {tenant?, methods?,"
                + " all_sites?} here or at every active site (aligned GTID position) and compare per method: 202, a job",
                true, null, "Object")));
        paths.put("/api/v1/admin/tenants/{name}/dbm/check", Map.of("post", op("The maintenance checks for one tenant"
                + " {methods?, all_sites?}: 202, a job", true, null, "Object")));
        paths.put("/api/v1/admin/tenants/{name}/dbm/fix", Map.of("post", op("Fix at ONE site {methods, site?,"
                + " allow_unsafe?}: refused (409) when the sites' results differ, (403) for replication-unsafe methods"
                + " without allow_unsafe; logged to the security log; answers each site's findings afterwards", true,
                null, "Object")));
        paths.put("/api/v1/admin/update", Map.of("get", op("The group's update site, this site's Cusp version and"
                + " newest practice schema", true, null, "Object"), "post", op("At the update site: check every site"
                + " (versions, links healthy and caught up, nothing fenced), back up every tenant at every site (binary"
                + " log off), migrate each tenant once, verify every site, resume: 202, a job. {designate: SITE} hands"
                + " the update site role to another peer instead. 409 at another site, naming the update site; a failed"
                + " job's error (UPDATE_FAILED) says what was migrated, what was left and where the backups are", true,
                null, "Object")));
        paths.put("/api/v1/admin/tenants/{name}/update", Map.of("post", op("The same update for one tenant, in its"
                + " own window; the others stay on their schema versions: 202, a job", true, null, "Object")));
        paths.put("/api/v1/admin/jobs/{id}", Map.of("get", op("A long job's steps, progress and result (?site=NAME"
                + " for a job at another site)", true, null, "Object")));
        paths.put("/metrics", Map.of("get", op("Prometheus text format: replication health and resources", false, null,
                "Object")));
        paths.put(RevocationList.PATH, Map.of("get", Map.of("summary", "The site CA's certificate revocation list"
                + " (DER, signed by the CA, valid 7 days, signed again daily): the address site certificates name in"
                + " their CRL Distribution Points; no token", "responses", Map.of("200", Map.of("description", "ok",
                "content", Map.of(RevocationList.CONTENT_TYPE, Map.of("schema", Map.of("type", "string",
                        "format", "binary"))))))));
        paths.put("/api/v1/t/{tenant}/login", Map.of("post", op("Practice user login", false, "Login", "Token")));
        paths.put("/api/v1/t/{tenant}/patients/merge", Map.of("post", op("Merge patient 'from' into 'into'", true,
                "Merge", "Object")));
        paths.put("/api/v1/t/{tenant}/insurance-plans/combine", Map.of("post", op(
                "Combine the plans in 'merge' into 'keep'", true, "Combine", "Object")));
        paths.put("/api/v1/t/{tenant}/query", Map.of("post", op("Query window (practice administrators): one"
                + " checked statement (SELECT, SHOW TABLES, DESCRIBE, SHOW GRANTS; at a report replica also scratch"
                + " CREATE/DROP TABLE, INSERT, UPDATE, DELETE); refused statements answer 400 (field sql), scratch"
                + " writes elsewhere 409", true, "Query", "QueryResult")));
        paths.put("/api/v1/t/{tenant}/users", Map.of("post", op("Add a practice user (admin)", true, "UserCreate",
                "Object")));
        paths.put("/api/v1/t/{tenant}/users/me/password", Map.of("put", op("Change your own password"
                + " {current_password, new_password}: 204; your other sessions end", true, null, "Object")));
        paths.put("/api/v1/t/{tenant}/users/{user}", Map.of(
                "put", op("Set a user's role {is_admin} (admin); the user's sessions end", true, null, "Object"),
                "delete", op("Delete a user (admin); the user's sessions end", true, null, "Object")));
        paths.put("/api/v1/t/{tenant}/users/{user}/lock", Map.of("post", op("Lock a user until unlocked (admin); the"
                + " user's sessions end", true, null, "Object")));
        paths.put("/api/v1/t/{tenant}/users/{user}/unlock", Map.of("post", op("Unlock a user and forget its failed"
                + " logins at this site (admin)", true, null, "Object")));
        paths.put("/api/v1/t/{tenant}/security-log", Map.of("get", op("Security log (admin)", true, null, "Object")));
        Map<String, Object> schemas = new LinkedHashMap<>();
        for (EntitySpec e : Entities.ALL) {
            String name = schemaName(e);
            schemas.put(name, schema(e));
            paths.put("/api/v1/t/{tenant}/" + e.path(), Map.of(
                    "get", op("Search " + e.path() + " (q: prefix of " + String.join(", ", e.search()) + "; filters: "
                            + String.join(", ", e.filters()) + "; page, size <= 200)", true, null, "Object"),
                    "post", op("Create a " + e.label(), true, name, name)));
            paths.put("/api/v1/t/{tenant}/" + e.path() + "/{id}", Map.of(
                    "get", op("Read a " + e.label(), true, null, name),
                    "put", op("Change the given fields of a " + e.label(), true, name, name),
                    "delete", op("Delete a " + e.label() + " (refused while in use)", true, null, null)));
        }
        schemas.put("Object", Map.of("type", "object"));
        schemas.put("Ok", Map.of("type", "object"));
        schemas.put("Login", Map.of("type", "object", "required", List.of("user", "password"), "properties",
                Map.of("user", Map.of("type", "string"), "password", Map.of("type", "string"))));
        schemas.put("Token", Map.of("type", "object", "properties", Map.of("token", Map.of("type", "string"),
                "expires_in_seconds", Map.of("type", "integer"))));
        schemas.put("TenantCreate", Map.of("type", "object", "required", List.of("name", "id"), "properties",
                Map.of("name", Map.of("type", "string", "pattern", "^[a-z][a-z0-9]{0,31}$"),
                        "id", Map.of("type", "integer", "minimum", 1, "maximum", 999_999_999))));
        schemas.put("SeedData", Map.of("type", "object", "required", List.of("patients"), "properties",
                Map.of("patients", Map.of("type", "integer", "minimum", 1, "maximum", 200_000),
                        "seed", Map.of("type", "integer", "default", 1))));
        schemas.put("Query", Map.of("type", "object", "required", List.of("sql"), "properties", Map.of(
                "sql", Map.of("type", "string", "maxLength", 65536),
                "max_rows", Map.of("type", "integer", "minimum", 1, "maximum", 10000, "default", 1000),
                "timeout_seconds", Map.of("type", "integer", "minimum", 1, "maximum", 300, "default", 30))));
        schemas.put("AdminQuery", Map.of("type", "object", "required", List.of("sql", "reason"), "properties",
                Map.of("sql", Map.of("type", "string", "maxLength", 65536),
                        "reason", Map.of("type", "string", "maxLength", 500),
                        "max_rows", Map.of("type", "integer", "minimum", 1, "maximum", 10000, "default", 1000),
                        "timeout_seconds", Map.of("type", "integer", "minimum", 1, "maximum", 300, "default", 30))));
        schemas.put("QueryResult", Map.of("type", "object", "properties", Map.of(
                "statement", Map.of("type", "string"),
                "columns", Map.of("type", "array", "items", Map.of("type", "object", "properties", Map.of(
                        "name", Map.of("type", "string"), "type", Map.of("type", "string")))),
                "rows", Map.of("type", "array", "items", Map.of("type", "array")),
                "row_count", Map.of("type", "integer"),
                "max_rows", Map.of("type", "integer"),
                "truncated", Map.of("type", "boolean"),
                "affected_rows", Map.of("type", "integer"),
                "elapsed_ms", Map.of("type", "integer"),
                "logged_to", Map.of("type", "string", "enum", List.of("security_log", "site_log")))));
        schemas.put("Merge", Map.of("type", "object", "required", List.of("from", "into"), "properties",
                Map.of("from", Map.of("type", "integer"), "into", Map.of("type", "integer"))));
        schemas.put("Combine", Map.of("type", "object", "required", List.of("keep", "merge"), "properties",
                Map.of("keep", Map.of("type", "integer"), "merge", Map.of("type", "array", "items",
                        Map.of("type", "integer")))));
        schemas.put("UserCreate", Map.of("type", "object", "required", List.of("user_name", "password"),
                "properties", Map.of("user_name", Map.of("type", "string"), "password", Map.of("type", "string"),
                        "is_admin", Map.of("type", "boolean"))));
        schemas.put("Error", Map.of("type", "object", "properties", Map.of("error", Map.of("type", "object",
                "properties", Map.of("code", Map.of("type", "string"), "message", Map.of("type", "string"),
                        "field", Map.of("type", "string"))))));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Cusp API", "version", CuspVersion.VERSION, "description", "Clients send"
                + " their Cusp version in the header " + dev.cusp.version.ClientVersion.HEADER + "; one of another"
                + " major.minor is refused with 409 VERSION_MISMATCH naming the side to update. Requests without the"
                + " header are served."));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas, "securitySchemes", Map.of("bearer",
                Map.of("type", "http", "scheme", "bearer"))));
        return doc;
    }

    private static String schemaName(EntitySpec e) {
        StringBuilder b = new StringBuilder();
        for (String part : e.label().split(" ")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    private static Map<String, Object> schema(EntitySpec e) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("id", Map.of("type", "integer", "readOnly", true));
        for (Field f : e.fields()) {
            Map<String, Object> p = new LinkedHashMap<>();
            switch (f.kind()) {
                case TEXT -> {
                    p.put("type", "string");
                    p.put("maxLength", f.maxLength());
                    if (!f.allowed().isEmpty()) {
                        p.put("enum", f.allowed().stream().sorted().toList());
                    }
                    if (f.pattern() != null) {
                        p.put("pattern", "^" + f.pattern() + "$");
                    }
                }
                case INT, REF -> {
                    p.put("type", "integer");
                    p.put("minimum", f.min());
                    if (f.ref() != null) {
                        p.put("description", "id of a " + f.ref().replace('_', ' '));
                    }
                }
                case DECIMAL -> p.put("type", "number");
                case DATE -> p.put("type", "string");
                case DATETIME -> p.put("type", "string");
                case BOOL -> p.put("type", "boolean");
                default -> throw new IllegalStateException();
            }
            if (f.kind() == Field.Kind.DATE) {
                p.put("format", "date");
            } else if (f.kind() == Field.Kind.DATETIME) {
                p.put("format", "date-time");
            }
            props.put(f.name(), p);
        }
        return Map.of("type", "object", "required", e.fields().stream().filter(Field::required).map(Field::name)
                .toList(), "properties", props, "additionalProperties", false);
    }

    private static Map<String, Object> op(String summary, boolean auth, String request, String response) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("summary", summary);
        if (auth) {
            o.put("security", List.of(Map.of("bearer", List.of())));
        }
        if (request != null) {
            o.put("requestBody", Map.of("required", true, "content", Map.of("application/json", Map.of("schema",
                    Map.of("$ref", "#/components/schemas/" + request)))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", response == null ? Map.of("description", "done") : Map.of("description", "ok",
                "content", Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/"
                        + response)))));
        responses.put("4XX", Map.of("description", "client error", "content", Map.of("application/json",
                Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
        o.put("responses", responses);
        return o;
    }
}
