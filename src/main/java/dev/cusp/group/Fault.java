package dev.cusp.group;

import dev.cusp.group.Monitor.Health;

/**
 * The catalogue of replication faults: every way a link can be unwell, each with the state it
 * gives the link (never healthy), a one-sentence explanation, what Cusp does about it by itself
 * (null: nothing) and the command that fixes it. {@code {site}} in a text is the site that
 * reports the fault (the replica), {@code {source}} the site it replicates from. The README's
 * troubleshooting table is this list.
 */
public enum Fault {
    SOURCE_UNREACHABLE(Health.DISCONNECTED, true,
            "{site} cannot reach the database node of {source}: the network is down, or {source} is.",
            "retries every 2 s and catches up when {source} is back",
            "nothing if {source} is offline on purpose (a van on the road); otherwise 'cusp status' at {source}"
                    + " and check that {site} can reach it"),
    LINK_STOPPED(Health.DISCONNECTED, false,
            "the link was stopped by hand (STOP SLAVE at the node of {site}) and has no error.",
            null,
            "restart the site, which starts its links: 'cusp down' then 'cusp up' at {site}"),
    VERSION_MISMATCH(Health.DISCONNECTED, true,
            "{source} runs another Cusp version than {site}, so replication from it waits.",
            "resumes the link by itself as soon as both run the same version; the held link stays listed in"
                    + " `cusp status` and `links`, with receiver and applier `held`",
            "cusp update (at the update site: it updates every site)"),
    LAGGING(Health.LAGGING, true,
            "the applier at {site} is more than monitor.lag.seconds behind {source}.",
            "nothing needed: it catches up by itself",
            "usually nothing; if the lag keeps growing, check the load and the network at {site}"),
    STUCK_APPLIER(Health.LAGGING, false,
            "the applier at {site} runs without error but has applied nothing for monitor.stuck.seconds while"
                    + " changes from {source} wait: a session at {site} holds a lock it needs (a long transaction,"
                    + " LOCK TABLES, FLUSH TABLES WITH READ LOCK), or one very large transaction is applying.",
            null,
            "find the session at the node of {site} that holds the lock (SHOW PROCESSLIST: a long open"
                    + " transaction, LOCK TABLES, FLUSH TABLES WITH READ LOCK) and end it (KILL its id), or let"
                    + " the big transaction finish; the alert clears when the applier moves"),
    ROW_CONFLICT(Health.BROKEN, true,
            "a change from {source} met a row that differs at {site} (missing row 1032, duplicate key 1062, or a"
                    + " concurrent change 1644).",
            "with conflicts.resolve=auto: applies the rule within seconds, keeps both versions in the conflict"
                    + " log, restarts the link",
            "usually nothing ('cusp conflicts' lists them); if it stays broken: cusp reseed {site}"),
    MISSING_OBJECT(Health.BROKEN, false,
            "a change from {source} names a table or database that does not exist at {site} (1146, 1049).",
            null,
            "cusp reseed {site}"),
    PURGED_BINLOG(Health.BROKEN, false,
            "{source} no longer has the binary log {site} needs (purged, error 1236): {site} cannot catch up by"
                    + " replication.",
            "keeps binary logs while a member still needs them (binlog.retain.max.mb), so only a manual PURGE"
                    + " or the disk budget causes this",
            "cusp reseed {site}"),
    REPLICATION_AUTH(Health.BROKEN, true,
            "{source} refuses the replication account of {site} (1045 or 1227: its password changed, it was"
                    + " dropped, locked or lost a privilege).",
            "asks {source} for a new replication account within seconds and reconnects",
            "nothing; if it stays: check that {source} answers ('cusp status' there)"),
    RELAY_LOG_CORRUPT(Health.BROKEN, true,
            "the relay log at {site} cannot be read or written (1594, 1595): a damaged file or disk.",
            "discards the relay log and fetches again from {source} at the position already applied",
            "nothing; if it stays: check the disk of {site}, then cusp reseed {site}"),
    APPLIER_LOCK_TIMEOUT(Health.BROKEN, false,
            "the applier at {site} stopped after waiting too long for a lock or losing deadlocks (1205, 1213)"
                    + " more often than it retries.",
            null,
            "end the long transaction at {site}, then restart the site: 'cusp down' then 'cusp up'"),
    REPLICA_READ_ONLY(Health.BROKEN, false,
            "{site} refused a change from {source} because its node is read-only (1290).",
            null,
            "cusp reseed {site}"),
    DISK_FULL(Health.BROKEN, false,
            "a disk or table at {site} is full (1021, 1114, 3): the change from {source} could not be written.",
            null,
            "free disk space at {site}, then restart the site: 'cusp down' then 'cusp up'"),
    DATA_DIVERGED(Health.DIVERGED, false,
            "a check at {site} found rows that differ between sites: a change was made behind replication's back.",
            null,
            "cusp repair TENANT --from SITE (the site whose data is right)"),
    BINLOG_BUDGET(Health.DISCONNECTED, false,
            "binary logs that a member has not applied yet approach or pass binlog.retain.max.mb at {site}: past"
                    + " it the oldest are deleted and that member needs a re-seed.",
            "keeps every binary log a member still needs up to the budget, and warns at 80% of it",
            "bring the member back online so it catches up, or raise binlog.retain.max.mb"),
    CLONED_SITE(Health.BROKEN, false,
            "{source} has the same server_id, gtid_domain_id or key offset as another member of the group (a copy of"
                    + " a site's folder or VM started as a site, or an edited site/identity.json): its changes would mix"
                    + " with that member's under one identity; or a full copy of a member (same certificate, identity"
                    + " and data) runs beside it at another address.",
            "refuses writes at the copy and replicates neither from it nor to it; for a full copy: the others stop"
                    + " replicating from {source}, and {source} and its copy refuse writes until one stops (released"
                    + " 20 s after)",
            "stop {source}; start it again with its own site/identity.json, or from a fresh folder and 'cusp join'"
                    + " it as a new site ('cusp site remove {source}' first if its own identity is lost); for a full"
                    + " copy: stop the copy that should not run, then 'cusp check'"),
    ROLLED_BACK(Health.BROKEN, false,
            "{source} holds fewer of its own changes than other members have from it, or its GTID position went"
                    + " backwards: it was restored from an old snapshot or disk image.",
            "refuses writes at {source} until it is re-seeded",
            "cusp reseed {source} (add --discard-local if it made changes since the snapshot: they are saved to a"
                    + " backup first)"),
    ERRANT_GTID(Health.BROKEN, false,
            "{source} holds transactions in another member's GTID domain that it did not receive by replication"
                    + " (errant GTIDs): a change was made at its node under another site's identity.",
            "refuses writes at {source} until it is re-seeded",
            "cusp reseed {source} --discard-local (its errant transactions are saved to a backup first)"),
    CLOCK_SKEW(Health.LAGGING, false,
            "the clocks of {site} and {source} differ by more than monitor.clock.skew.seconds: conflicts are decided"
                    + " by change times, so the site whose clock runs ahead wins conflicts it should lose.",
            null,
            "make both machines keep time by NTP (e.g. 'timedatectl set-ntp true'), then check 'cusp status' again;"
                    + " the alert clears when the clocks agree"),
    DISK_LOW(Health.LAGGING, false,
            "a disk of {site} (database and binary logs, or documents) has less free space than"
                    + " monitor.disk.min.free.percent or monitor.disk.min.free.mb: when it fills, the database stops"
                    + " writing and replication breaks.",
            null,
            "free disk space at {site} (old backups in HOME/backups, files that are not Cusp's) or give it more;"
                    + " binary logs kept for an absent member go when it is back or 'cusp site remove'd"),
    DOCUMENT_BACKLOG(Health.LAGGING, true,
            "{site} has lacked a practice's file for longer than document.backlog.alert.minutes: no reachable site"
                    + " holds it, or the transfers are slower than the uploads.",
            "keeps fetching every missing file from a site that holds it, resuming cut transfers",
            "'cusp status' at {site} shows the backlog; check that the other sites are up and reachable over HTTPS"
                    + " from {site}, or raise document.sync.kbps; 'cusp check' names files no site holds"),
    BACKUP_DRILL_FAILED(Health.LAGGING, false,
            "a verification drill at {site} could not restore a practice's backup as its manifest records it (a"
                    + " missing or damaged file, a table or object that would not load, or rows that differ): that"
                    + " backup cannot be trusted for a restore.",
            null,
            "'cusp backup list TENANT' at {site} names the backup and the problem; check the disk or share of"
                    + " backup.folder, then 'cusp backup now TENANT' and 'cusp backup verify TENANT': the alert clears"
                    + " when a later drill of the practice passes, or when retention deletes the failed backup"),
    APPLIER_ERROR(Health.BROKEN, false,
            "the applier at {site} stopped on an error Cusp does not know how to mend.",
            null,
            "cusp reseed {site} (it refuses if {site} holds changes no other site has)"),
    RECEIVER_ERROR(Health.BROKEN, false,
            "the receiver at {site} failed on an error from {source} that is not a network error.",
            null,
            "cusp reseed {site} (it refuses if {site} holds changes no other site has)");

    private final Health health;
    private final boolean mends;
    private final String explanation;
    private final String selfMend;
    private final String fix;

    Fault(Health health, boolean mends, String explanation, String selfMend, String fix) {
        this.health = health;
        this.mends = mends;
        this.explanation = explanation;
        this.selfMend = selfMend;
        this.fix = fix;
    }

    /** The state a link with this fault is in: never healthy. */
    public Health health() {
        return health;
    }

    /** True when Cusp mends it without anyone doing anything (other faults may still be made rarer by it). */
    public boolean mendsItself() {
        return mends;
    }

    public String code() {
        return name();
    }

    public String explanation(String site, String source) {
        return fill(explanation, site, source);
    }

    /** What Cusp does about it by itself (mends it, or makes it rarer), or null. */
    public String selfMend(String site, String source) {
        return selfMend == null ? null : fill(selfMend, site, source);
    }

    public String fix(String site, String source) {
        return fill(fix, site, source);
    }

    /**
     * True for the faults of a site rather than a link, which make the site itself unsafe to
     * write at: while one names this site, its writes are refused (fenced).
     */
    public boolean holdsWrites() {
        return this == CLONED_SITE || this == ROLLED_BACK || this == ERRANT_GTID;
    }

    /** True for the faults of a whole site (raised by its watches), false for those of one link. */
    public boolean ofSite() {
        return holdsWrites() || this == CLOCK_SKEW || this == DISK_LOW || this == BINLOG_BUDGET
                || this == DOCUMENT_BACKLOG || this == BACKUP_DRILL_FAILED;
    }

    /** A fault that came from an error number (as opposed to a state such as lag or a stop). */
    boolean fromError() {
        return health == Health.BROKEN && !holdsWrites();
    }

    private static String fill(String text, String site, String source) {
        return text.replace("{site}", site).replace("{source}", source);
    }
}
