package dev.cusp.api;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.MariaDbErrors;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import java.sql.SQLException;
import dev.cusp.wire.ErrorAnswer;
import dev.cusp.wire.ErrorBody;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become HTTP responses: a status and a JSON body
 * {@code {"error": {"code", "message", "field"}}}. Never a stack trace; an unexpected error
 * gets a reference that finds its trace in the site log.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    private static final Pattern NOT_NULL = Pattern.compile("Column '([A-Za-z0-9_]+)' cannot be null");

    private ErrorMapper() {
    }

    public static void install(Javalin app) {
        app.exception(CuspException.class, (e, ctx) -> {
            if (e instanceof LoginThrottle.Throttled t) {
                ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
            }
            if (e instanceof dev.cusp.error.RetryLater r) {
                ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
            }
            write(ctx, e.code(), e.getMessage(), e.field());
        });
        app.exception(EndpointNotFound.class, (e, ctx) -> {
            CuspException wrong = RouteTable.of(ctx).wrongMethod(ctx);
            if (wrong != null) {
                write(ctx, wrong.code(), wrong.getMessage(), null);
                return;
            }
            write(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path()
                    + "; the API is described at /api/v1/openapi.json", null);
        });
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromStatus(e.getStatus()),
                e.getStatus() == 413 ? "the request body is too large (see the request.max.bytes setting)"
                        : e.getMessage(), e.getStatus() == 413 ? "body" : null));
        app.exception(SQLException.class, (e, ctx) -> sql(ctx, e));
        app.exception(Exception.class, (e, ctx) -> {
            if (e instanceof org.eclipse.jetty.http.BadMessageException bad) {
                // Jetty refuses a request it cannot read (a body slower than
                // http.min.request.bytes.per.second, a malformed body): the client's doing, not ours.
                write(ctx, fromStatus(bad.getCode()), "the request could not be read: " + bad.getReason(), "body");
                return;
            }
            if (e.getCause() instanceof CuspException ce) {
                write(ctx, ce.code(), ce.getMessage(), ce.field());
                return;
            }
            if (e.getCause() instanceof SQLException se) {
                sql(ctx, se);
                return;
            }
            unexpected(ctx, e);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                write(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path()
                        + "; the API is described at /api/v1/openapi.json", null);
            }
        });

    }

    private static void sql(Context ctx, SQLException e) {
        int code = e.getErrorCode();
        MariaDbErrors.Kind kind = MariaDbErrors.kind(code);
        if (kind == MariaDbErrors.Kind.LOCK) {
            write(ctx, ErrorCode.UNAVAILABLE, "the database was busy with a conflicting change; try again", null);
        } else if (kind == MariaDbErrors.Kind.READ_ONLY) {
            write(ctx, ErrorCode.READ_ONLY, "this site's database is read-only", null);
        } else if (code == MariaDbErrors.NOT_NULL) {
            // Null given for a field that is optional in the API but has a NOT NULL column with
            // a default (status, gender, is_hidden, ordinal...): the caller's input, not ours.
            Matcher m = NOT_NULL.matcher(String.valueOf(e.getMessage()));
            String column = m.find() ? m.group(1) : null;
            write(ctx, ErrorCode.INVALID_INPUT, (column == null ? "a field" : column) + " cannot be null; leave it"
                    + " out instead", column);
        } else if (kind == MariaDbErrors.Kind.AUTH) {
            write(ctx, ErrorCode.LOCKED, "the practice's database account is locked or refused the request", null);
        } else {
            unexpected(ctx, e);
        }
    }

    private static void unexpected(Context ctx, Exception e) {
        if (ctx.res().isCommitted() && e instanceof java.io.IOException && e.getStackTrace().length > 0
                && e.getStackTrace()[0].getClassName().startsWith("org.eclipse.jetty.")) {
            // Jetty failed to send an answer already under way: the client or peer went away
            // (a cut link, a closed download). Nothing to answer, and not a fault of the site's.
            LOG.info("api: {} {}: the other end went away mid-answer ({})", ctx.method(), ctx.path(), e.getMessage());
            return;
        }
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("api: unexpected error ref {} on {} {}", ref, ctx.method(), ctx.path(), e);
        write(ctx, ErrorCode.INTERNAL, "internal error (reference " + ref + " in the site log)", null);
    }

    private static ErrorCode fromStatus(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_INPUT;
        };
    }

    static void write(Context ctx, ErrorCode code, String message, String field) {
        ctx.status(code.httpStatus()).json(new ErrorAnswer(new ErrorBody(code.name(), message, field)));
    }
}
