/**
 * Replication conflicts: detected (the practice schema's triggers stop the applier on a
 * concurrent update or delete; MariaDB stops it on a missing row or a duplicate key), both row
 * images saved in the tenant's {@code conflict_log}, resolved by one deterministic rule so every
 * site converges, listed, and the losing version restorable as a normal replicated write.
 */
package dev.cusp.conflict;
