/**
 * The replication group: membership, joining and leaving, the reconciler that makes the node
 * match the membership, and the watches over it. {@link dev.cusp.group.Group} is a facade
 * wiring the parts, each of which is given what it uses in its constructor; the
 * {@link dev.cusp.group.Monitor} turns the links into states, alerts and the
 * {@link dev.cusp.group.WritePolicy} the API enforces.
 */
package dev.cusp.group;
