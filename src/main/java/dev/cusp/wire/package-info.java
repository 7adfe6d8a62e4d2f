/**
 * The messages sites, the CLI and the bench exchange, as Java records that Jackson writes and
 * reads. The sender serializes the same record the receiver reads, so a renamed or dropped
 * field fails to compile or fails to read (see {@link dev.cusp.base.JsonMapping#read}) instead
 * of reading as blank. Records only: this package depends on nothing of Cusp but {@code base}.
 */
package dev.cusp.wire;
