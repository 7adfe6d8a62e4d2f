/**
 * A practice's files (x-rays, photos, scanned letters): stored by content hash under the
 * practice's document folder, served, imported, exported and collected once no row refers to
 * them. The {@code document} table in the practice's database is the truth about which files
 * exist; this package keeps their bytes.
 */
package dev.cusp.document;
