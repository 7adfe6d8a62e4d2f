/** The practice data a tenant works with: records, search, destructive operations, users. */
package dev.cusp.practice;
