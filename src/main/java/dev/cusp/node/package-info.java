/** The site's database node: the embedded MariaDB server, its start, stop and recovery. */
package dev.cusp.node;
