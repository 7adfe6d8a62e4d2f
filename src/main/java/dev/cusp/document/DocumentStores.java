package dev.cusp.document;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The site's document stores, one per practice, under {@code HOME/documents/<database name>}
 * (the folder {@code tenant create} makes). Made on first use.
 */
public final class DocumentStores {
    /** A practice database's name, as Tenant.dbNameFor makes it: never a path. */
    private static final Pattern DB = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final Path documents;
    private final Map<String, DocumentStore> stores = new ConcurrentHashMap<>();

    /** @param documents the site's documents folder, {@code HOME/documents} */
    public DocumentStores(Path documents) {
        this.documents = documents;
    }

    /** The store of the practice whose database is {@code db}. */
    public DocumentStore of(String db) {
        if (db == null || !DB.matcher(db).matches()) {
            throw new IllegalArgumentException("not a practice database name: " + db);
        }
        return stores.computeIfAbsent(db, d -> new DocumentStore(documents.resolve(d)));
    }

    /** Forgets a practice's store (its folder was moved away, as a drop does). */
    public void forget(String db) {
        stores.remove(db);
    }
}
