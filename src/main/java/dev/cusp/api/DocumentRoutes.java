package dev.cusp.api;

import dev.cusp.document.ContentSource;
import dev.cusp.document.DocumentQuery;
import dev.cusp.document.DocumentRecord;
import dev.cusp.document.DocumentStore;
import dev.cusp.document.DocumentStores;
import dev.cusp.document.Documents;
import dev.cusp.document.NewDocument;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.Records;
import dev.cusp.tenant.Tenant;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;

import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A practice's files over HTTP, with the practice's token and the same checks as every practice
 * route (the before-handler of {@link PracticeRoutes} has checked the token against the practice
 * in the path):
 * <ul>
 * <li>{@code POST /documents/upload?patient_id&file_name&...}: the body is the file itself,
 *     streamed into the practice's {@link DocumentStore} (never whole in memory), its
 *     Content-Type the document's MIME type. Refused with nothing kept: empty, larger than
 *     {@code document.max.mb} or the practice's quota, a {@code sha256} that does not match, an
 *     unknown patient, a body cut short.</li>
 * <li>{@code GET /documents/{id}/content}: the bytes, with {@code ETag} (the hash), single
 *     {@code Range}s (also while the file is read through from another site), {@code Content-Disposition: attachment} and a sandboxing CSP, so a stored
 *     HTML or SVG never runs as this site's page.</li>
 * <li>{@code GET /documents/search}: by patient, category and the date taken.</li>
 * </ul>
 * Reading, changing and deleting a record are the generic {@code /documents/{id}} routes; a
 * deleted record's content is collected later ({@link dev.cusp.document.DocumentCollector}).
 * Registered before the practice routes, whose {@code /{entity}/{id}} would take /search.
 */
public final class DocumentRoutes implements RouteModule {
    private static final String BASE = "/api/v1/t/{tenant}/documents";
    private static final Pattern MIME = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,63}/[A-Za-z0-9!#$&^_.+-]{1,63}");
    private static final Pattern CATEGORY = Pattern.compile("[\\p{L}\\p{N} _.-]{1,40}");
    private static final int BUFFER = 128 * 1024;

    private final PracticeRoutes practice;
    private final DocumentStores stores;
    private final ContentSource content;
    private final long maxBytes;
    private final long quotaBytes;

    /**
     * @param quotaBytes most bytes of content one practice may keep here; 0 for no quota
     */
    public DocumentRoutes(PracticeRoutes practice, DocumentStores stores, ContentSource content, long maxBytes,
                          long quotaBytes) {
        this.practice = practice;
        this.stores = stores;
        this.content = content;
        this.maxBytes = maxBytes;
        this.quotaBytes = quotaBytes;
    }

    @Override
    public void register(Javalin app) {
        app.post(BASE + "/upload", this::upload, ApiRole.PRACTICE_WRITE);
        app.get(BASE + "/search", this::search, ApiRole.PRACTICE_READ);
        app.get(BASE + "/{id}/content", this::download, ApiRole.PRACTICE_READ);
        // A document's record removed cannot be brought back by a later write, and a disconnected
        // peer may have changed it meanwhile: the deletion guard holds it, as it holds a patient's.
        // (Its content is collected later, once no record anywhere refers to it.)
        app.delete(BASE + "/{id}", ctx -> {
            long id = positive(ctx.pathParam("id"), "id");
            practice.tx(ctx, (c, a) -> {
                Records.delete(c, a, Entities.DOCUMENTS, id);
                return null;
            });
            ctx.status(204);
        }, ApiRole.PRACTICE_DESTRUCTIVE);
    }

    private void upload(Context ctx) throws Exception {
        NewDocument meta = metadata(ctx);
        String expected = ctx.queryParam("sha256");
        if (expected != null) {
            DocumentStore.requireHash(expected, "sha256");
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared == 0) {
            throw CuspException.invalid("file", "the file is empty; send its bytes as the request body");
        }
        if (declared > maxBytes) {
            throw tooLarge(maxBytes, "document.max.mb");
        }
        // Before a byte is read: the patient exists, and the quota has room.
        long used = (long) practice.read(ctx, (c, a) -> {
            if (meta.patientId() != null) {
                Documents.requirePatient(c, meta.patientId(), false);
            }
            return quotaBytes > 0 ? Documents.usedBytes(c) : 0L;
        });
        long room = quotaBytes > 0 ? Math.max(0, quotaBytes - used) : Long.MAX_VALUE;
        if (declared > room) {
            throw tooLarge(room, "document.quota.mb");
        }
        Tenant t = practice.tenant(practice.session(ctx).tenant());
        DocumentStore store = stores.of(t.dbName());
        DocumentStore.Stored stored;
        try (PushbackInputStream in = new PushbackInputStream(ctx.req().getInputStream(), 1)) {
            int first = in.read();
            if (first < 0) {
                throw CuspException.invalid("file", "the file is empty; send its bytes as the request body");
            }
            in.unread(first);
            long limit = Math.min(maxBytes, room);
            try {
                stored = store.put(in, expected, limit);
            } catch (CuspException e) {
                if (e.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
                    throw tooLarge(limit, limit == maxBytes ? "document.max.mb" : "document.quota.mb");
                }
                throw e;
            }
        } catch (IOException e) {
            // Jetty's EofException and idle timeouts: the client stopped sending (or sent less than
            // its Content-Length). The store kept nothing.
            throw CuspException.invalid("file", "the upload stopped before the end of the file; nothing was kept."
                    + " Send it again");
        }
        DocumentRecord row = (DocumentRecord) practice.tx(ctx, (c, a) -> Documents.insert(c, a, meta,
                stored.sha256(), stored.size()));
        ctx.status(201);
        Json.send(ctx, row);
    }

    private NewDocument metadata(Context ctx) {
        Long patient = positive(ctx, "patient_id");
        String fileName = ctx.queryParam("file_name");
        if (fileName == null || fileName.isBlank()) {
            throw CuspException.invalid("file_name", "file_name is required: the document's name as the user knows it");
        }
        if (fileName.length() > Documents.MAX_FILE_NAME || fileName.indexOf('\0') >= 0) {
            throw CuspException.invalid("file_name", "file_name must have at most " + Documents.MAX_FILE_NAME
                    + " characters and no NUL");
        }
        String description = ctx.queryParam("description");
        if (description != null && description.length() > Documents.MAX_DESCRIPTION) {
            throw CuspException.invalid("description", "description must have at most " + Documents.MAX_DESCRIPTION
                    + " characters");
        }
        String category = category(ctx);
        String taken = ctx.queryParam("taken_at");
        LocalDateTime takenAt = null;
        if (taken != null) {
            try {
                takenAt = LocalDateTime.parse(taken);
            } catch (DateTimeParseException e) {
                throw CuspException.invalid("taken_at", "taken_at must be a date and time such as 2026-03-01T09:30:00");
            }
        }
        return new NewDocument(patient, fileName, description, mimeType(ctx.contentType()), category, takenAt);
    }

    /** The body's Content-Type without parameters, or application/octet-stream. */
    private static String mimeType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "application/octet-stream";
        }
        int semi = contentType.indexOf(';');
        String m = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase();
        if (!MIME.matcher(m).matches()) {
            throw CuspException.invalid("Content-Type", "Content-Type must be the file's MIME type, e.g. image/jpeg");
        }
        return m;
    }

    private void search(Context ctx) throws Exception {
        for (String k : ctx.queryParamMap().keySet()) {
            if (!List.of("patient_id", "category", "taken_from", "taken_to", "page", "size").contains(k)) {
                throw CuspException.invalid(k, "unknown search parameter '" + k + "'; use patient_id, category,"
                        + " taken_from, taken_to, page, size");
            }
        }
        DocumentQuery q = new DocumentQuery(positive(ctx, "patient_id"), category(ctx), date(ctx, "taken_from"),
                date(ctx, "taken_to"), bounded(ctx, "page", 1, 1_000_000, 1),
                bounded(ctx, "size", 1, Records.MAX_PAGE_SIZE, 50));
        Json.send(ctx, practice.read(ctx, (c, a) -> Documents.search(c, q)));
    }

    private void download(Context ctx) throws Exception {
        long id = positive(ctx.pathParam("id"), "id");
        DocumentRecord d = (DocumentRecord) practice.read(ctx, (c, a) -> Documents.find(c, id).orElseThrow(
                () -> CuspException.notFound("no document with id " + id)));
        if (d.sha256() == null) {
            throw CuspException.notFound("document " + id + " has no content (a record made without a file)");
        }
        String etag = "\"" + d.sha256() + "\"";
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
            ctx.header("ETag", etag);
            ctx.status(304);
            return;
        }
        Tenant t = practice.tenant(practice.session(ctx).tenant());
        FileChannel ch;
        try {
            ch = content.open(t.dbName(), d.sha256());
        } catch (NoSuchFileException e) {
            // Not here yet (replication is still fetching it): read it through from a site that has it.
            // The range is checked against the row's size first: a 416 opens nothing.
            ByteRange range = d.sizeBytes() == null ? null : range(ctx, etag, d.sizeBytes());
            java.util.Optional<java.io.InputStream> through = range == null
                    ? content.readThrough(t.name(), t.dbName(), d.sha256())
                    : content.readThrough(t.name(), t.dbName(), d.sha256(), d.sizeBytes(), range.first(),
                    range.length());
            readThrough(ctx, d, range, through.orElseThrow(() -> new CuspException(ErrorCode.UNAVAILABLE, "the"
                    + " content of document " + id + " is not at this site yet and no other site could give it; try"
                    + " again in a moment")));
            return;
        }
        try (ch) {
            long size = ch.size();
            ByteRange range = range(ctx, etag, size);
            headers(ctx, d, range, size);
            copy(ch, range == null ? 0 : range.first(), range == null ? size : range.length(),
                    ctx.res().getOutputStream());
        }
    }

    /**
     * A download of a file this site does not hold yet, from {@code through}: the whole file
     * (another site's bytes, shared with every download of it here and stored on the way), or
     * just the range asked for, within the size the row states, as another site sends it (the
     * whole file is then fetched into the store in the background). A row without a size gets the whole file (a 200,
     * which HTTP allows).
     */
    private static void readThrough(Context ctx, DocumentRecord d, ByteRange range, java.io.InputStream through)
            throws IOException {
        Long size = d.sizeBytes();
        try (through) {
            headers(ctx, d, range, size == null ? -1 : size);
            OutputStream out = ctx.res().getOutputStream();
            byte[] buf = new byte[BUFFER];
            for (long left = range == null ? Long.MAX_VALUE : range.length(); left > 0; ) {
                int n = read(ctx, through, buf, (int) Math.min(buf.length, left));
                if (n < 0) {
                    if (range == null) {
                        break;
                    }
                    throw cut(ctx, new IOException("the file read through ended early"));
                }
                out.write(buf, 0, n);
                left -= n;
            }
            out.flush();
        }
    }

    /** Reads from a read-through; a failure there (not the client's) cuts the answer off. */
    private static int read(Context ctx, java.io.InputStream through, byte[] buf, int len) throws IOException {
        try {
            return through.read(buf, 0, len);
        } catch (IOException e) {
            throw cut(ctx, e);
        }
    }

    /**
     * Ends an answer whose bytes can no longer be vouched for (another site's bytes did not hash
     * to the file's name, or its transfer broke) by closing the connection: the status and length
     * are sent already, and an error body written now would be taken for the file's last bytes.
     * Javalin treats the exception returned as a client gone away: it writes nothing more.
     */
    static IOException cut(Context ctx, IOException why) {
        org.slf4j.LoggerFactory.getLogger(DocumentRoutes.class).info("documents: a download read through from"
                + " another site was cut off: {}", why.getMessage());
        org.eclipse.jetty.server.Request base = org.eclipse.jetty.server.Request.getBaseRequest(ctx.req());
        if (base != null) {
            base.getHttpChannel().abort(why);
        }
        return new org.eclipse.jetty.io.EofException(why.getMessage());
    }

    /** The one range asked for (unless an If-Range no longer matches), null for the whole file; a 416 names the size. */
    private static ByteRange range(Context ctx, String etag, long size) {
        String ifRange = ctx.header("If-Range");
        try {
            return ifRange == null || ifRange.strip().equals(etag) ? ByteRange.parse(ctx.header("Range"), size) : null;
        } catch (CuspException e) {
            ctx.header("Content-Range", "bytes */" + size);
            throw e;
        }
    }

    /** @param size the file's length; -1 when not known (a read-through of a row without a size) */
    private static void headers(Context ctx, DocumentRecord d, ByteRange range, long size) {
        ctx.header("ETag", "\"" + d.sha256() + "\"");
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Content-Disposition", disposition(d.fileName()));
        // A stored HTML or SVG opened from this origin must not run as the site's page.
        ctx.header("Content-Security-Policy", "sandbox; default-src 'none'");
        ctx.res().setContentType(d.mimeType() == null ? "application/octet-stream" : d.mimeType());
        if (range != null) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            ctx.res().setContentLengthLong(range.length());
        } else {
            ctx.status(200);
            if (size >= 0) {
                ctx.res().setContentLengthLong(size);
            }
        }
    }

    /** Streams {@code length} bytes from {@code first} through one buffer: the heap stays flat. */
    private static void copy(FileChannel ch, long first, long length, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long pos = first;
        long end = first + length;
        while (pos < end) {
            buf.clear().limit((int) Math.min(BUFFER, end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("the file ended early");
            }
            out.write(buf.array(), 0, n);
            pos += n;
        }
        out.flush();
    }

    /**
     * An attachment named as the user named it, but only as a name: the last part after any
     * slash or backslash, without control characters or quotes, in ASCII for old clients and in
     * full as RFC 8187 UTF-8.
     */
    static String disposition(String fileName) {
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
                .replaceAll("[\\p{Cntrl}\"]", "_").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "document";
        }
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace('\\', '_').replace(';', '_');
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static CuspException tooLarge(long limit, String setting) {
        return new CuspException(ErrorCode.PAYLOAD_TOO_LARGE, setting.equals("document.quota.mb")
                ? "the practice's documents would pass its quota (setting document.quota.mb): " + limit
                + " bytes are left; nothing was kept"
                : "the file is larger than the " + limit + " bytes allowed (setting document.max.mb); nothing was kept",
                "file");
    }

    private static String category(Context ctx) {
        String c = ctx.queryParam("category");
        if (c != null && !CATEGORY.matcher(c).matches()) {
            throw CuspException.invalid("category", "category must have 1 to 40 letters, digits, spaces, '.', '_'"
                    + " or '-'");
        }
        return c;
    }

    private static LocalDateTime date(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return null;
        }
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay() : LocalDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw CuspException.invalid(name, name + " must be a date (2026-03-01) or a date and time"
                    + " (2026-03-01T09:30:00)");
        }
    }

    private static Long positive(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? null : positive(v, name);
    }

    private static long positive(String v, String name) {
        try {
            long n = Long.parseLong(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw CuspException.invalid(name, name + " must be a positive whole number");
        }
    }

    private static int bounded(Context ctx, String name, int min, int max, int def) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw CuspException.invalid(name, name + " must be a whole number from " + min + " to " + max);
        }
    }

    /** The content of a practice's document as this site holds it (the default {@link ContentSource}). */
    public static ContentSource local(DocumentStores stores) {
        return (db, sha256) -> stores.of(db).open(sha256);
    }

}
