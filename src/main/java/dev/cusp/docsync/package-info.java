/**
 * Document replication (issue 17): every site of a group ends up holding every practice file its
 * replicated {@code document} rows name. A site fetches a missing file by hash from a member that
 * holds it over the mutual-TLS peer channel (resuming cut transfers, checking the hash before the
 * file enters the {@link dev.cusp.document.DocumentStore}), reads a file through for a download
 * that cannot wait, shows its backlog, alerts on an old one, and checks, scrubs and repairs the
 * files it holds. Apart from {@code dev.cusp.document} (the store) because the tenant package
 * uses the store and this package uses the tenant package.
 */
package dev.cusp.docsync;
