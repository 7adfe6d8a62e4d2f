package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.document.DocumentStore;
import dev.cusp.docsync.DocumentRows;
import dev.cusp.docsync.FileStream;
import dev.cusp.docsync.LocalContent;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantNames;
import dev.cusp.tenant.TenantRegistry;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@code POST /api/v1/peer/documents/{tenant}/stream}, body {@code {"hashes": [...]}}: many
 * files of one practice in one answer, each framed as {@link FileStream} says (its hash and
 * length, then its bytes; length -1 when this site does not give it). A site fetching a
 * practice's whole folder so pays one request, one membership check and one row query per
 * batch instead of per file; the per-file request was what held a new site to a few MB/s.
 *
 * <p>What a member's certificate reaches is what the one-file route gives: a file whose hash a
 * {@code document} row of that practice names here, by a name checked to be a hash.
 */
final class DocumentStreamRoute {
    private final TenantRegistry registry;
    private final DataSource admin;
    private final LocalContent store;

    DocumentStreamRoute(TenantRegistry registry, DataSource admin, LocalContent store) {
        this.registry = registry;
        this.admin = admin;
        this.store = store;
    }

    void serve(Context ctx) throws Exception {
        Tenant t = registry.find(TenantNames.requireName(ctx.pathParam("tenant"))).orElseThrow(() -> new CuspException(
                ErrorCode.NOT_FOUND, "this site does not hold that practice"));
        List<String> hashes = hashes(Json.body(ctx));
        Set<String> named = DocumentRows.referencedAmong(admin, t.dbName(), new LinkedHashSet<>(hashes));
        ctx.contentType("application/octet-stream");
        ctx.header("Cache-Control", "no-store");
        OutputStream out = ctx.res().getOutputStream();
        // Jetty takes a buffer as is: a direct one is read into from the file and encrypted from
        // without a copy through the heap (the bytes of a new site's whole folder pass here).
        ByteBuffer buf = out instanceof org.eclipse.jetty.server.HttpOutput ? ByteBuffer.allocateDirect(256 * 1024)
                : ByteBuffer.allocate(256 * 1024);
        for (String sha : hashes) {
            FileChannel ch = named.contains(sha) ? open(t.dbName(), sha) : null;
            if (ch == null) {
                out.write(FileStream.header(sha, -1));
                continue;
            }
            try (FileChannel file = ch) {
                send(file, sha, out, buf);
            }
        }
        out.flush();
    }

    /** The stored file, or null when it is not here (yet: the caller asks another site). */
    private FileChannel open(String db, String sha) throws IOException {
        try {
            return FileChannel.open(store.file(db, sha), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** One frame: exactly the length its header states (a stored file never changes; a short one is an error). */
    private static void send(FileChannel ch, String sha, OutputStream out, ByteBuffer buf) throws IOException {
        long size = ch.size();
        out.write(FileStream.header(sha, size));
        long left = size;
        while (left > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            int n = ch.read(buf);
            if (n < 0) {
                throw new IOException("stored file " + sha + " ended " + left + " bytes early");
            }
            buf.flip();
            if (out instanceof org.eclipse.jetty.server.HttpOutput jetty) {
                jetty.write(buf);
            } else {
                out.write(buf.array(), 0, n);
            }
            left -= n;
        }
    }

    private static List<String> hashes(JsonNode body) {
        Json.only(body, "hashes");
        JsonNode a = body.get("hashes");
        if (a == null || !a.isArray() || a.isEmpty()) {
            throw CuspException.invalid("hashes", "hashes must be a non-empty list of SHA-256 hashes");
        }
        if (a.size() > FileStream.MAX_FILES) {
            throw CuspException.invalid("hashes", "at most " + FileStream.MAX_FILES + " hashes per request");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode h : a) {
            if (!h.isTextual()) {
                throw CuspException.invalid("hashes", "hashes must be strings");
            }
            out.add(DocumentStore.requireHash(h.asText(), "hashes"));
        }
        return out;
    }
}
