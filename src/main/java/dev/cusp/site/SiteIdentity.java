package dev.cusp.site;

/**
 * What makes a site unique, chosen once at its first start and kept in
 * {@code HOME/site/identity.json}: the name, and the node's replication identity.
 *
 * @param serverId      MariaDB {@code server_id}, random so two sites never share one
 * @param gtidDomainId  MariaDB {@code gtid_domain_id}, distinct per writer for multi-primary
 * @param dbPort        the node's TCP port on 127.0.0.1
 */
public record SiteIdentity(String siteName, long serverId, long gtidDomainId, int dbPort, String createdAt) {
}
