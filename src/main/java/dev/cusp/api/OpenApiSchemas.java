package dev.cusp.api;

import static dev.cusp.api.OpenApiOp.node;
import static dev.cusp.api.OpenApiOp.tree;
import static dev.cusp.base.JsonMapping.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The component schemas of the OpenAPI document. Each record type has three, made from its
 * {@link EntitySpec}: what a create takes ({@code PatientCreate}), what an update takes
 * ({@code PatientUpdate}) and what a read answers ({@code Patient}, every column, null where
 * the column holds null).
 */
final class OpenApiSchemas {
    /** A local date and time as a request may give it (seconds and fraction optional), no offset. */
    static final String LOCAL_DATE_TIME_IN =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?$";
    /** A local date and time as the server writes it: always seconds, the column's fraction digits. */
    static final String LOCAL_DATE_TIME_OUT = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?$";
    /** Not blank: at least one character that is not white space. */
    static final String NOT_BLANK = "\\S";

    private OpenApiSchemas() {
    }

    static String name(EntitySpec e) {
        StringBuilder b = new StringBuilder();
        for (String part : e.label().split(" ")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    static ObjectNode all() {
        ObjectNode s = MAPPER.createObjectNode();
        for (EntitySpec e : Entities.ALL) {
            String n = name(e);
            s.set(n + "Create", input(e, true));
            s.set(n + "Update", input(e, false));
            s.set(n, record(e));
            s.set(n + "Page", obj(List.of("items", "page", "size", "total"), props(
                    "items", node("type", "array", "items", OpenApiOp.ref(n)),
                    "page", node("type", "integer", "minimum", 1),
                    "size", node("type", "integer", "minimum", 1, "maximum", 200),
                    "total", node("type", "integer", "minimum", 0, "description", "records matching, all pages"))));
        }
        s.setAll(fixed());
        return s;
    }

    /** What a create (every required field) or an update (at least one field) takes. */
    private static ObjectNode input(EntitySpec e, boolean create) {
        ObjectNode props = MAPPER.createObjectNode();
        for (Field f : e.fields()) {
            props.set(f.name(), inputField(f));
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "object");
        o.put("description", (create ? "A new " : "The fields of a ") + e.label() + " to set; no other field is"
                + " accepted" + (create ? "" : "; the ones left out keep their values"));
        if (create) {
            List<String> required = e.fields().stream().filter(Field::required).map(Field::name).toList();
            if (!required.isEmpty()) {
                o.set("required", tree(required));
            }
        } else {
            o.put("minProperties", 1);
        }
        o.set("properties", props);
        o.put("additionalProperties", false);
        return o;
    }

    private static ObjectNode inputField(Field f) {
        ObjectNode p = MAPPER.createObjectNode();
        List<String> notes = new ArrayList<>();
        switch (f.kind()) {
            case TEXT -> {
                p.set("type", type("string", f));
                if (f.required()) {
                    p.put("minLength", 1);
                }
                p.put("maxLength", f.maxLength());
                if (!f.allowed().isEmpty()) {
                    p.set("enum", tree(f.allowed().stream().sorted().toList()));
                }
                if (f.pattern() != null) {
                    p.put("pattern", "^" + f.pattern() + "$");
                } else if (f.required()) {
                    p.put("pattern", NOT_BLANK);
                    notes.add("not blank");
                }
                notes.add("no NUL character or unpaired surrogate");
            }
            case INT -> {
                p.set("type", type("integer", f));
                p.put("minimum", f.min());
                p.put("maximum", f.max());
            }
            case REF -> {
                p.set("type", type("integer", f));
                p.put("minimum", 1);
                notes.add("the id of a " + f.ref().replace('_', ' ') + ", which must exist");
            }
            case DECIMAL -> {
                p.set("type", type("number", f));
                p.put("minimum", f.min());
                p.put("maximum", f.max());
                notes.add("at most 2 decimals");
            }
            case DATE -> {
                p.set("type", type("string", f));
                p.put("format", "date");
                notes.add("a date from 1850 to 2200, like 1980-04-23");
            }
            case DATETIME -> {
                p.set("type", type("string", f));
                p.put("pattern", LOCAL_DATE_TIME_IN);
                notes.add("the practice's local date and time, no offset, years 1900 to 2200, like"
                        + " 2026-11-23T09:30:00");
            }
            case BOOL -> p.set("type", type("boolean", f));
            default -> throw new IllegalStateException(f.kind().toString());
        }
        if (!f.required() && !f.nullable()) {
            notes.add("has a default when left out; not null");
        }
        if (f.unique()) {
            notes.add("unique: a value another record has is a 409");
        }
        if (!notes.isEmpty()) {
            p.put("description", String.join("; ", notes));
        }
        return p;
    }

    private static JsonNode type(String t, Field f) {
        return tree(f.nullable() ? List.of(t, "null") : t);
    }

    /** A record as a read answers it: every column, each always present. */
    private static ObjectNode record(EntitySpec e) {
        ObjectNode props = MAPPER.createObjectNode();
        props.set("id", node("type", "integer", "format", "int64", "minimum", 1, "readOnly", true));
        List<Field> all = new ArrayList<>(e.fields());
        all.addAll(Entities.filledByServer(e));
        for (Field f : all) {
            ObjectNode p = MAPPER.createObjectNode();
            switch (f.kind()) {
                case TEXT -> p.set("type", type("string", f));
                case INT, REF -> p.set("type", type("integer", f));
                case DECIMAL -> p.set("type", type("number", f));
                case DATE -> {
                    p.set("type", type("string", f));
                    p.put("format", "date");
                }
                case DATETIME -> {
                    p.set("type", type("string", f));
                    p.put("pattern", LOCAL_DATE_TIME_OUT);
                }
                case BOOL -> p.set("type", type("boolean", f));
                default -> throw new IllegalStateException(f.kind().toString());
            }
            if (f.ref() != null) {
                p.put("description", "the id of a " + f.ref().replace('_', ' '));
            }
            if (!e.fields().contains(f)) {
                p.put("readOnly", true);
            }
            props.set(f.name(), p);
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "object");
        o.put("description", "A " + e.label() + " as stored. Fields may be added in later versions.");
        List<String> names = new ArrayList<>();
        props.fieldNames().forEachRemaining(names::add);
        o.set("required", tree(names));
        o.set("properties", props);
        return o;
    }

    private static ObjectNode fixed() {
        ObjectNode s = MAPPER.createObjectNode();
        ObjectNode string = node("type", "string");
        ObjectNode nullableString = node("type", List.of("string", "null"));
        ObjectNode integer = node("type", "integer");
        ObjectNode bool = node("type", "boolean");
        ObjectNode notBlank = node("type", "string", "minLength", 1, "pattern", NOT_BLANK);
        s.set("Error", obj(List.of("error"), props("error", obj(List.of("code", "message"), props(
                "code", node("type", "string", "enum", Arrays.stream(ErrorCode.values()).map(Enum::name).toList()),
                "message", node("type", "string", "description", "what went wrong and what to do"),
                "field", node("type", "string", "description", "the field, parameter or part of the request at"
                        + " fault, when one is"))))));
        s.set("Object", node("type", "object", "description", "A JSON object; its fields are described in the"
                + " operation"));
        s.set("Health", obj(List.of("status"), props("status", node("type", "string", "const", "ok"))));
        s.set("Login", closed(List.of("user", "password"), props("user", notBlank,
                "password", node("type", "string", "minLength", 1))));
        s.set("AdminToken", obj(List.of("token", "expires_in_seconds"), props("token", string,
                "expires_in_seconds", integer)));
        s.set("PracticeToken", obj(List.of("token", "expires_in_seconds", "user", "is_admin"), props("token", string,
                "expires_in_seconds", integer, "user", string, "is_admin", bool)));
        ObjectNode tenantProps = props(
                "name", string, "id", integer, "database", string, "db_user", string,
                "status", node("type", "string", "enum", List.of("creating", "active", "suspended", "updating")),
                "schema_version", nullableString,
                "created_at", node("type", List.of("string", "null"), "format", "date-time"),
                "size_bytes", node("type", "integer", "description", "in a list and a show, not a create"));
        List<String> tenantRequired = List.of("name", "id", "database", "db_user", "status", "schema_version",
                "created_at");
        s.set("Tenant", obj(tenantRequired, tenantProps));
        ObjectNode shown = tenantProps.deepCopy();
        shown.set("databases", node("type", "array", "items", string));
        shown.set("documents", node("type", "string", "description", "the tenant's document folder at this site"));
        s.set("TenantShown", obj(tenantRequired, shown));
        ObjectNode suspended = tenantProps.deepCopy();
        suspended.set("sessions_cut", obj(List.of("confirmed", "not_confirmed"), props("confirmed", node("type",
                "array", "items", string), "not_confirmed", node("type", "array", "items", string))));
        s.set("TenantSuspended", obj(tenantRequired, suspended));
        s.set("TenantList", obj(List.of("tenants"), props("tenants", node("type", "array", "items",
                OpenApiOp.ref("Tenant")))));
        ObjectNode created = tenantProps.deepCopy();
        created.set("db_password", node("type", "string", "description", "shown this once"));
        created.set("db_host", string);
        created.set("db_port", integer);
        created.set("admin_user", node("type", "string", "description", "the practice's first administrator"));
        created.set("admin_password", node("type", "string", "description", "shown this once"));
        created.set("documents", string);
        List<String> createdRequired = new ArrayList<>(tenantRequired);
        createdRequired.addAll(List.of("db_password", "db_host", "db_port", "admin_user", "admin_password",
                "documents"));
        s.set("TenantCreated", obj(createdRequired, created));
        s.set("TenantCreate", closed(List.of("name", "id"), props(
                "name", node("type", "string", "pattern", "^[a-z][a-z0-9]{0,31}$", "description", "1 to 32"
                        + " lowercase letters and digits, starting with a letter"),
                "id", node("type", "integer", "minimum", 1, "maximum", 999_999_999, "description", "unique in"
                        + " the replication group; part of the database name"))));
        s.set("TenantBackup", closed(List.of(), props("to_file", node("type", "boolean", "default", false,
                "description", "write a file instead of a backup database"), "file", node("type", "string",
                "minLength", 1, "description", "the file to write, inside the site's backup folder"))));
        s.set("TenantRestore", closed(List.of(), props("to", node("type", "string", "format", "date-time",
                "description", "the moment (UTC, whole seconds)"), "backup", node("type", "string", "minLength", 1,
                "description", "the backup to start from (default: the newest before 'to')"), "as", node("type",
                "string", "minLength", 1, "description", "restore into this new tenant instead"))));
        s.set("RestoreRange", obj(List.of("oldest", "newest"), props("oldest", nullableString, "newest", string)));
        s.set("RestoreOrder", closed(List.of("tenant", "from"), props("tenant", string, "from", string, "fromGtid",
                nullableString)));
        s.set("RestoreApplied", obj(List.of("tenant", "from"), props("tenant", string, "from", string)));
        s.set("TenantBackupResult", obj(List.of("tenant", "database", "file", "documents"), props("tenant", string,
                "database", nullableString, "file", nullableString, "documents", nullableString)));
        s.set("TenantDropped", obj(List.of("tenant", "dropped_databases", "final_backup", "documents_kept"), props(
                "tenant", string, "dropped_databases", node("type", "array", "items", string),
                "final_backup", nullableString, "documents_kept", nullableString)));
        s.set("SeedData", closed(List.of("patients"), props(
                "patients", node("type", "integer", "minimum", 1, "maximum", 200_000),
                "seed", node("type", "integer", "default", 1))));
        ObjectNode maxRows = node("type", "integer", "minimum", 1, "maximum", 10000, "default", 1000);
        ObjectNode timeout = node("type", "integer", "minimum", 1, "maximum", 300, "default", 30);
        ObjectNode sql = node("type", "string", "minLength", 1, "maxLength", 65536);
        s.set("Query", closed(List.of("sql"), props("sql", sql, "max_rows", maxRows, "timeout_seconds", timeout)));
        s.set("AdminQuery", closed(List.of("sql", "reason"), props("sql", sql,
                "reason", node("type", "string", "minLength", 1, "maxLength", 500, "pattern", NOT_BLANK,
                        "description", "why the site admin reads the practice's data; logged"),
                "max_rows", maxRows, "timeout_seconds", timeout)));
        s.set("QueryResult", obj(List.of(), props(
                "statement", string,
                "columns", node("type", "array", "items", obj(List.of("name", "type"), props("name", string,
                        "type", string)), "description", "for a statement that returns rows"),
                "rows", node("type", "array", "items", node("type", "array", "items", node("type",
                        List.of("string", "number", "integer", "boolean", "null")))),
                "row_count", integer,
                "max_rows", integer,
                "truncated", bool,
                "message", node("type", "string", "description", "when truncated: why, and what to do"),
                "note", node("type", "string", "description", "at a report replica: what scratch tables are"),
                "affected_rows", node("type", "integer", "description", "for a scratch write at a report replica"),
                "elapsed_ms", integer,
                "logged_to", node("type", "string", "enum", List.of("security_log", "site_log")))));
        ObjectNode id = node("type", "integer", "minimum", 1);
        s.set("Merge", closed(List.of("from", "into"), props("from", id, "into", id)));
        s.set("Merged", obj(List.of("kept", "merged_id", "moved"), props("kept", OpenApiOp.ref("Patient"),
                "merged_id", integer, "moved", node("type", "object", "description", "rows moved, per table"))));
        s.set("Combine", closed(List.of("keep", "merge"), props("keep", id, "merge", node("type", "array",
                "minItems", 1, "uniqueItems", true, "items", id, "description", "not containing keep"))));
        s.set("Combined", obj(List.of("kept", "deleted_plan_ids", "patient_plans_moved",
                "duplicate_patient_plans_removed"), props("kept", OpenApiOp.ref("InsurancePlan"),
                "deleted_plan_ids", node("type", "array", "items", integer), "patient_plans_moved", integer,
                "duplicate_patient_plans_removed", integer)));
        ObjectNode password = node("type", "string", "minLength", 12, "maxLength", 256, "description",
                "at least 12 characters, not containing the user name, and hard to guess (zxcvbn score 3 of 4)");
        s.set("UserCreate", closed(List.of("user_name", "password"), props(
                "user_name", node("type", "string", "pattern", "^[A-Za-z0-9._-]{1,64}$"),
                "password", password, "is_admin", node("type", "boolean", "default", false))));
        s.set("UserCreated", obj(List.of("id", "user_name", "is_admin"), props("id", integer, "user_name", string,
                "is_admin", bool)));
        s.set("UserRole", closed(List.of("is_admin"), props("is_admin", bool)));
        s.set("UserAccount", obj(List.of("id", "user_name", "is_admin", "locked"), props("id", integer,
                "user_name", string, "is_admin", bool, "locked", bool)));
        s.set("PasswordChange", closed(List.of("current_password", "new_password"), props(
                "current_password", node("type", "string", "minLength", 1), "new_password", password)));
        s.set("SecurityLog", obj(List.of("items"), props("items", node("type", "array", "description", "the"
                + " newest 200 rows, newest first", "items", obj(List.of("id", "logged_at", "user_name", "site",
                "action", "entity", "entity_id", "details"), props("id", integer,
                "logged_at", node("type", "string", "pattern", LOCAL_DATE_TIME_OUT), "user_name", string,
                "site", string, "action", string, "entity", nullableString,
                "entity_id", node("type", List.of("integer", "null")), "details", nullableString))))));
        s.set("Job", obj(List.of("id", "kind", "state", "started_at", "finished_at", "steps", "progress"), props(
                "id", string, "kind", string,
                "state", node("type", "string", "enum", List.of("running", "succeeded", "failed")),
                "started_at", node("type", "string", "format", "date-time"),
                "finished_at", node("type", List.of("string", "null"), "format", "date-time"),
                "steps", node("type", "array", "items", string),
                "progress", node("type", "object", "description", "current figures: bytes, rows, eta..."),
                "site", node("type", "string", "description", "the site that ran the job, when asked with"
                        + " ?site=NAME"),
                "result", node("type", "object", "description", "when succeeded; by kind"),
                "error", node("type", "object", "description", "when failed: code, message, field"))));
        return s;
    }

    static ObjectNode props(Object... nameSchema) {
        return node(nameSchema);
    }

    /** An object answer: the listed fields always present; more may be added in later versions. */
    static ObjectNode obj(List<String> required, ObjectNode props) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "object");
        if (!required.isEmpty()) {
            o.set("required", tree(required));
        }
        o.set("properties", props);
        return o;
    }

    /** A request body: only the listed fields are accepted. */
    static ObjectNode closed(List<String> required, ObjectNode props) {
        ObjectNode o = obj(required, props);
        o.put("additionalProperties", false);
        return o;
    }
}
