/** Hosted practices: their databases, users, pools, documents, backups and life cycle. */
package dev.cusp.tenant;
