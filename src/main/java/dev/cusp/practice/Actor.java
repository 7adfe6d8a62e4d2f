package dev.cusp.practice;

/** Who is acting, for the security log: a practice user (or site admin) at a site. */
public record Actor(String userName, String site) {
}
