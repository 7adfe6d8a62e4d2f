/**
 * One look at every site of the group before work that compares them ({@code cusp check},
 * {@code cusp repair}, {@code cusp dbm}): which sites answer, where each one's replication
 * stands, and the position they are compared at.
 */
package dev.cusp.survey;
