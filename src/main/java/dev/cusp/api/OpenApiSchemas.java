package dev.cusp.api;

import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    static Map<String, Object> all() {
        Map<String, Object> s = new LinkedHashMap<>();
        for (EntitySpec e : Entities.ALL) {
            String n = name(e);
            s.put(n + "Create", input(e, true));
            s.put(n + "Update", input(e, false));
            s.put(n, record(e));
            s.put(n + "Page", obj(List.of("items", "page", "size", "total"), props(
                    "items", Map.of("type", "array", "items", OpenApiOp.ref(n)),
                    "page", Map.of("type", "integer", "minimum", 1),
                    "size", Map.of("type", "integer", "minimum", 1, "maximum", 200),
                    "total", Map.of("type", "integer", "minimum", 0, "description", "records matching, all pages"))));
        }
        s.putAll(fixed());
        return s;
    }

    /** What a create (every required field) or an update (at least one field) takes. */
    private static Map<String, Object> input(EntitySpec e, boolean create) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Field f : e.fields()) {
            props.put(f.name(), inputField(f));
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        o.put("description", (create ? "A new " : "The fields of a ") + e.label() + " to set; no other field is"
                + " accepted" + (create ? "" : "; the ones left out keep their values"));
        if (create) {
            List<String> required = e.fields().stream().filter(Field::required).map(Field::name).toList();
            if (!required.isEmpty()) {
                o.put("required", required);
            }
        } else {
            o.put("minProperties", 1);
        }
        o.put("properties", props);
        o.put("additionalProperties", false);
        return o;
    }

    private static Map<String, Object> inputField(Field f) {
        Map<String, Object> p = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        switch (f.kind()) {
            case TEXT -> {
                p.put("type", type("string", f));
                if (f.required()) {
                    p.put("minLength", 1);
                }
                p.put("maxLength", f.maxLength());
                if (!f.allowed().isEmpty()) {
                    p.put("enum", f.allowed().stream().sorted().toList());
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
                p.put("type", type("integer", f));
                p.put("minimum", f.min());
                p.put("maximum", f.max());
            }
            case REF -> {
                p.put("type", type("integer", f));
                p.put("minimum", 1);
                notes.add("the id of a " + f.ref().replace('_', ' ') + ", which must exist");
            }
            case DECIMAL -> {
                p.put("type", type("number", f));
                p.put("minimum", f.min());
                p.put("maximum", f.max());
                notes.add("at most 2 decimals");
            }
            case DATE -> {
                p.put("type", type("string", f));
                p.put("format", "date");
                notes.add("a date from 1850 to 2200, like 1980-04-23");
            }
            case DATETIME -> {
                p.put("type", type("string", f));
                p.put("pattern", LOCAL_DATE_TIME_IN);
                notes.add("the practice's local date and time, no offset, years 1900 to 2200, like"
                        + " 2026-11-23T09:30:00");
            }
            case BOOL -> p.put("type", type("boolean", f));
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

    private static Object type(String t, Field f) {
        return f.nullable() ? List.of(t, "null") : t;
    }

    /** A record as a read answers it: every column, each always present. */
    private static Map<String, Object> record(EntitySpec e) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("id", Map.of("type", "integer", "format", "int64", "minimum", 1, "readOnly", true));
        List<Field> all = new ArrayList<>(e.fields());
        all.addAll(Entities.filledByServer(e));
        for (Field f : all) {
            Map<String, Object> p = new LinkedHashMap<>();
            switch (f.kind()) {
                case TEXT -> p.put("type", type("string", f));
                case INT, REF -> p.put("type", type("integer", f));
                case DECIMAL -> p.put("type", type("number", f));
                case DATE -> {
                    p.put("type", type("string", f));
                    p.put("format", "date");
                }
                case DATETIME -> {
                    p.put("type", type("string", f));
                    p.put("pattern", LOCAL_DATE_TIME_OUT);
                }
                case BOOL -> p.put("type", type("boolean", f));
                default -> throw new IllegalStateException(f.kind().toString());
            }
            if (f.ref() != null) {
                p.put("description", "the id of a " + f.ref().replace('_', ' '));
            }
            if (!e.fields().contains(f)) {
                p.put("readOnly", true);
            }
            props.put(f.name(), p);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        o.put("description", "A " + e.label() + " as stored. Fields may be added in later versions.");
        o.put("required", new ArrayList<>(props.keySet()));
        o.put("properties", props);
        return o;
    }

    private static Map<String, Object> fixed() {
        Map<String, Object> s = new LinkedHashMap<>();
        Map<String, Object> string = Map.of("type", "string");
        Map<String, Object> nullableString = Map.of("type", List.of("string", "null"));
        Map<String, Object> integer = Map.of("type", "integer");
        Map<String, Object> bool = Map.of("type", "boolean");
        Map<String, Object> notBlank = Map.of("type", "string", "minLength", 1, "pattern", NOT_BLANK);
        s.put("Error", obj(List.of("error"), props("error", obj(List.of("code", "message"), props(
                "code", Map.of("type", "string", "enum", Arrays.stream(ErrorCode.values()).map(Enum::name).toList()),
                "message", Map.of("type", "string", "description", "what went wrong and what to do"),
                "field", Map.of("type", "string", "description", "the field, parameter or part of the request at"
                        + " fault, when one is"))))));
        s.put("Object", Map.of("type", "object", "description", "A JSON object; its fields are described in the"
                + " operation"));
        s.put("Health", obj(List.of("status"), props("status", Map.of("type", "string", "const", "ok"))));
        s.put("Login", closed(List.of("user", "password"), props("user", notBlank,
                "password", Map.of("type", "string", "minLength", 1))));
        s.put("AdminToken", obj(List.of("token", "expires_in_seconds"), props("token", string,
                "expires_in_seconds", integer)));
        s.put("PracticeToken", obj(List.of("token", "expires_in_seconds", "user", "is_admin"), props("token", string,
                "expires_in_seconds", integer, "user", string, "is_admin", bool)));
        Map<String, Object> tenantProps = props(
                "name", string, "id", integer, "database", string, "db_user", string,
                "status", Map.of("type", "string", "enum", List.of("creating", "active", "suspended", "updating")),
                "schema_version", nullableString,
                "created_at", Map.of("type", List.of("string", "null"), "format", "date-time"),
                "size_bytes", Map.of("type", "integer", "description", "in a list and a show, not a create"));
        List<String> tenantRequired = List.of("name", "id", "database", "db_user", "status", "schema_version",
                "created_at");
        s.put("Tenant", obj(tenantRequired, tenantProps));
        Map<String, Object> shown = new LinkedHashMap<>(tenantProps);
        shown.put("databases", Map.of("type", "array", "items", string));
        shown.put("documents", Map.of("type", "string", "description", "the tenant's document folder at this site"));
        s.put("TenantShown", obj(tenantRequired, shown));
        s.put("TenantList", obj(List.of("tenants"), props("tenants", Map.of("type", "array", "items",
                OpenApiOp.ref("Tenant")))));
        Map<String, Object> created = new LinkedHashMap<>(tenantProps);
        created.put("db_password", Map.of("type", "string", "description", "shown this once"));
        created.put("db_host", string);
        created.put("db_port", integer);
        created.put("admin_user", Map.of("type", "string", "description", "the practice's first administrator"));
        created.put("admin_password", Map.of("type", "string", "description", "shown this once"));
        created.put("documents", string);
        List<String> createdRequired = new ArrayList<>(tenantRequired);
        createdRequired.addAll(List.of("db_password", "db_host", "db_port", "admin_user", "admin_password",
                "documents"));
        s.put("TenantCreated", obj(createdRequired, created));
        s.put("TenantCreate", closed(List.of("name", "id"), props(
                "name", Map.of("type", "string", "pattern", "^[a-z][a-z0-9]{0,31}$", "description", "1 to 32"
                        + " lowercase letters and digits, starting with a letter"),
                "id", Map.of("type", "integer", "minimum", 1, "maximum", 999_999_999, "description", "unique in"
                        + " the replication group; part of the database name"))));
        s.put("TenantBackup", closed(List.of(), props("to_file", Map.of("type", "boolean", "default", false,
                "description", "write a file instead of a backup database"), "file", Map.of("type", "string",
                "minLength", 1, "description", "the file to write, inside the site's backup folder"))));
        s.put("TenantRestore", closed(List.of(), props("to", Map.of("type", "string", "format", "date-time",
                "description", "the moment (UTC, whole seconds)"), "backup", Map.of("type", "string", "minLength", 1,
                "description", "the backup to start from (default: the newest before 'to')"), "as", Map.of("type",
                "string", "minLength", 1, "description", "restore into this new tenant instead"))));
        s.put("RestoreRange", obj(List.of("oldest", "newest"), props("oldest", nullableString, "newest", string)));
        s.put("RestoreOrder", closed(List.of("tenant", "from"), props("tenant", string, "from", string, "fromGtid",
                nullableString)));
        s.put("RestoreApplied", obj(List.of("tenant", "from"), props("tenant", string, "from", string)));
        s.put("TenantBackupResult", obj(List.of("tenant", "database", "file", "documents"), props("tenant", string,
                "database", nullableString, "file", nullableString, "documents", nullableString)));
        s.put("TenantDropped", obj(List.of("tenant", "dropped_databases", "final_backup", "documents_kept"), props(
                "tenant", string, "dropped_databases", Map.of("type", "array", "items", string),
                "final_backup", nullableString, "documents_kept", nullableString)));
        s.put("SeedData", closed(List.of("patients"), props(
                "patients", Map.of("type", "integer", "minimum", 1, "maximum", 200_000),
                "seed", Map.of("type", "integer", "default", 1))));
        Map<String, Object> maxRows = Map.of("type", "integer", "minimum", 1, "maximum", 10000, "default", 1000);
        Map<String, Object> timeout = Map.of("type", "integer", "minimum", 1, "maximum", 300, "default", 30);
        Map<String, Object> sql = Map.of("type", "string", "minLength", 1, "maxLength", 65536);
        s.put("Query", closed(List.of("sql"), props("sql", sql, "max_rows", maxRows, "timeout_seconds", timeout)));
        s.put("AdminQuery", closed(List.of("sql", "reason"), props("sql", sql,
                "reason", Map.of("type", "string", "minLength", 1, "maxLength", 500, "pattern", NOT_BLANK,
                        "description", "why the site admin reads the practice's data; logged"),
                "max_rows", maxRows, "timeout_seconds", timeout)));
        s.put("QueryResult", obj(List.of(), props(
                "statement", string,
                "columns", Map.of("type", "array", "items", obj(List.of("name", "type"), props("name", string,
                        "type", string)), "description", "for a statement that returns rows"),
                "rows", Map.of("type", "array", "items", Map.of("type", "array", "items", Map.of("type",
                        List.of("string", "number", "integer", "boolean", "null")))),
                "row_count", integer,
                "max_rows", integer,
                "truncated", bool,
                "message", Map.of("type", "string", "description", "when truncated: why, and what to do"),
                "note", Map.of("type", "string", "description", "at a report replica: what scratch tables are"),
                "affected_rows", Map.of("type", "integer", "description", "for a scratch write at a report replica"),
                "elapsed_ms", integer,
                "logged_to", Map.of("type", "string", "enum", List.of("security_log", "site_log")))));
        Map<String, Object> id = Map.of("type", "integer", "minimum", 1);
        s.put("Merge", closed(List.of("from", "into"), props("from", id, "into", id)));
        s.put("Merged", obj(List.of("kept", "merged_id", "moved"), props("kept", OpenApiOp.ref("Patient"),
                "merged_id", integer, "moved", Map.of("type", "object", "description", "rows moved, per table"))));
        s.put("Combine", closed(List.of("keep", "merge"), props("keep", id, "merge", Map.of("type", "array",
                "minItems", 1, "uniqueItems", true, "items", id, "description", "not containing keep"))));
        s.put("Combined", obj(List.of("kept", "deleted_plan_ids", "patient_plans_moved",
                "duplicate_patient_plans_removed"), props("kept", OpenApiOp.ref("InsurancePlan"),
                "deleted_plan_ids", Map.of("type", "array", "items", integer), "patient_plans_moved", integer,
                "duplicate_patient_plans_removed", integer)));
        Map<String, Object> password = Map.of("type", "string", "minLength", 12, "maxLength", 256, "description",
                "at least 12 characters, not containing the user name, and hard to guess (zxcvbn score 3 of 4)");
        s.put("UserCreate", closed(List.of("user_name", "password"), props(
                "user_name", Map.of("type", "string", "pattern", "^[A-Za-z0-9._-]{1,64}$"),
                "password", password, "is_admin", Map.of("type", "boolean", "default", false))));
        s.put("UserCreated", obj(List.of("id", "user_name", "is_admin"), props("id", integer, "user_name", string,
                "is_admin", bool)));
        s.put("UserRole", closed(List.of("is_admin"), props("is_admin", bool)));
        s.put("UserAccount", obj(List.of("id", "user_name", "is_admin", "locked"), props("id", integer,
                "user_name", string, "is_admin", bool, "locked", bool)));
        s.put("PasswordChange", closed(List.of("current_password", "new_password"), props(
                "current_password", Map.of("type", "string", "minLength", 1), "new_password", password)));
        s.put("SecurityLog", obj(List.of("items"), props("items", Map.of("type", "array", "description", "the"
                + " newest 200 rows, newest first", "items", obj(List.of("id", "logged_at", "user_name", "site",
                "action", "entity", "entity_id", "details"), props("id", integer,
                "logged_at", Map.of("type", "string", "pattern", LOCAL_DATE_TIME_OUT), "user_name", string,
                "site", string, "action", string, "entity", nullableString,
                "entity_id", Map.of("type", List.of("integer", "null")), "details", nullableString))))));
        s.put("Job", obj(List.of("id", "kind", "state", "started_at", "finished_at", "steps", "progress"), props(
                "id", string, "kind", string,
                "state", Map.of("type", "string", "enum", List.of("running", "succeeded", "failed")),
                "started_at", Map.of("type", "string", "format", "date-time"),
                "finished_at", Map.of("type", List.of("string", "null"), "format", "date-time"),
                "steps", Map.of("type", "array", "items", string),
                "progress", Map.of("type", "object", "description", "current figures: bytes, rows, eta..."),
                "site", Map.of("type", "string", "description", "the site that ran the job, when asked with"
                        + " ?site=NAME"),
                "result", Map.of("type", "object", "description", "when succeeded; by kind"),
                "error", Map.of("type", "object", "description", "when failed: code, message, field"))));
        return s;
    }

    static Map<String, Object> props(Object... nameSchema) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameSchema.length; i += 2) {
            m.put((String) nameSchema[i], nameSchema[i + 1]);
        }
        return m;
    }

    /** An object answer: the listed fields always present; more may be added in later versions. */
    static Map<String, Object> obj(List<String> required, Map<String, Object> props) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        if (!required.isEmpty()) {
            o.put("required", required);
        }
        o.put("properties", props);
        return o;
    }

    /** A request body: only the listed fields are accepted. */
    static Map<String, Object> closed(List<String> required, Map<String, Object> props) {
        Map<String, Object> o = obj(required, props);
        o.put("additionalProperties", false);
        return o;
    }
}
