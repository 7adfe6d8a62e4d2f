/**
 * The site's database node: the embedded MariaDB server, its start, stop and recovery, and the
 * one classifier of MariaDB's error numbers ({@link dev.cusp.node.MariaDbErrors}) every layer uses.
 */
package dev.cusp.node;
