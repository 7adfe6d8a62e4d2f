package dev.cusp.survey;

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
 * The sites of a comparison, found by asking every other member for its {@link PeerStatus} at
 * once, and the position they are compared at: the union of every answering site's GTID
 * position, so each site compares only once it holds everything any of them had (in-flight
 * replication then cannot make sites look different).
 *
 * @param alignAt the union of the answering sites' positions; null for a survey of this site alone
 */
public record PeerSurvey(List<Participant> sites, String alignAt) {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    public PeerSurvey {
        sites = List.copyOf(sites);
    }

    /** This site alone, for work that does not compare with the others. */
    public static PeerSurvey local(DataSource admin, String siteName) {
        return new PeerSurvey(List.of(self(admin, siteName)), null);
    }

    /** This site and every other member: one that is still joining or does not answer is missing, with the reason. */
    public static PeerSurvey of(DataSource admin, Members members, PeerClient peers, String siteName) {
        Participant me = self(admin, siteName);
        List<Participant> out = new ArrayList<>(List.of(me));
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Member, Future<PeerStatus>> probes = new LinkedHashMap<>();
            for (Member m : members.all()) {
                if (!m.name().equals(siteName)) {
                    probes.put(m, m.active() ? ex.submit(() -> JsonMapping.read(peers.call(m, "GET",
                            "/api/v1/peer/status", null, ASK_TIMEOUT), PeerStatus.class)) : null);
                }
            }
            for (var e : probes.entrySet()) {
                Member m = e.getKey();
                if (e.getValue() == null) {
                    out.add(Participant.missing(m, "still joining (not seeded yet)"));
                    continue;
                }
                try {
                    PeerStatus st = e.getValue().get();
                    String pos = st.gtidCurrentPos() == null ? "" : st.gtidCurrentPos();
                    out.add(new Participant(m.name(), m, null, pos, st.stoppedLinks()));
                } catch (ExecutionException x) {
                    out.add(Participant.missing(m, x.getCause().getMessage()));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
                }
            }
        }
        // GtidPos keeps the highest sequence number per domain: parsing all positions joined is their union.
        List<String> positions = out.stream().filter(Participant::answered).map(Participant::gtidPos)
                .filter(p -> !p.isBlank()).toList();
        return new PeerSurvey(out, GtidPos.parse(String.join(",", positions)).toString());
    }

    private static Participant self(DataSource admin, String siteName) {
        List<String> stopped = new ReplicationChannels(admin).states().stream()
                .filter(l -> !l.receiverRunning() || !l.applierRunning()).map(LinkState::channel).toList();
        return new Participant(siteName, null, null, ReplicationChannels.currentPos(admin), stopped);
    }

    public List<Participant> answering() {
        return sites.stream().filter(Participant::answered).toList();
    }

    public List<Participant> missing() {
        return sites.stream().filter(p -> !p.answered()).toList();
    }

    /** Every stopped channel of every answering site, as "SITE from SOURCE". */
    public List<String> stoppedLinks() {
        List<String> out = new ArrayList<>();
        for (Participant p : answering()) {
            p.stoppedLinks().forEach(ch -> out.add(p.name() + " from " + ch));
        }
        return out;
    }
}
