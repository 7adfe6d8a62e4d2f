package dev.cusp.maintenance;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Member;
import dev.cusp.group.Members;
import dev.cusp.group.PeerClient;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.wire.PeerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The sites that take part in a comparison, found by asking every member for its status, and
 * the position they are compared at: the union of every answering site's GTID position, so each
 * site checks only once it holds everything any of them had (in-flight replication then cannot
 * make sites look different).
 */
record Survey(List<Participant> sites, String alignAt) {

    static Survey of(DataSource admin, Members members, PeerClient peers, String siteName, boolean allSites) {
        List<Participant> out = new ArrayList<>();
        String own = ReplicationChannels.currentPos(admin);
        List<String> mine = new ReplicationChannels(admin).states().stream()
                .filter(l -> !l.receiverRunning() || !l.applierRunning()).map(LinkState::channel).toList();
        out.add(new Participant(siteName, null, null, own, mine));
        if (!allSites) {
            return new Survey(out, null);
        }
        List<String> positions = new ArrayList<>(List.of(own));
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Member, Future<PeerStatus>> probes = new LinkedHashMap<>();
            for (Member m : members.all()) {
                if (!m.name().equals(siteName)) {
                    probes.put(m, m.active() ? ex.submit(() -> JsonMapping.read(peers.call(m, "GET",
                            "/api/v1/peer/status", null, Duration.ofSeconds(5)), PeerStatus.class)) : null);
                }
            }
            for (var e : probes.entrySet()) {
                Member m = e.getKey();
                if (e.getValue() == null) {
                    out.add(new Participant(m.name(), m, "still joining (not seeded yet)", null, List.of()));
                    continue;
                }
                try {
                    PeerStatus st = e.getValue().get();
                    String pos = st.gtidCurrentPos() == null ? "" : st.gtidCurrentPos();
                    positions.add(pos);
                    out.add(new Participant(m.name(), m, null, pos, st.stoppedLinks()));
                } catch (ExecutionException x) {
                    out.add(new Participant(m.name(), m, x.getCause().getMessage(), null, List.of()));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
                }
            }
        }
        // GtidPos keeps the highest sequence number per domain: parsing all positions joined is their union.
        return new Survey(out, GtidPos.parse(String.join(",", positions.stream().filter(p -> !p.isBlank())
                .toList())).toString());
    }

    List<Participant> answering() {
        return sites.stream().filter(Participant::answered).toList();
    }

    List<Participant> missing() {
        return sites.stream().filter(p -> !p.answered()).toList();
    }

    /** Waits until this node's {@code @@gtid_current_pos} covers {@code gtid} in every domain. */
    static void await(DataSource admin, String gtid, Duration timeout) {
        ReplicationChannels.awaitCovered(admin, gtid, timeout);
    }
}
