package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the site watch makes of full copies ({@link Incarnations}) at each look: a member heard
 * running twice is named a clone here and not replicated from; this site itself holds its
 * writes when a copy of it calls here, or when a peer says (its status' {@code copies}) that it
 * hears two processes calling as this site, for neither the original nor the copy can tell
 * which one it is. Pure: the incarnations heard and the peers' answers in, findings out.
 */
final class FullCopies {
    private FullCopies() {
    }

    /** A site found running twice: {@code here} when it is this site (its writes are held). */
    record Finding(String site, String message, String fix, boolean here) {
    }

    static List<Finding> look(Incarnations heard, String me, List<Member> all, Collection<JsonNode> answers) {
        Map<String, Finding> out = new LinkedHashMap<>();
        for (Member m : all) {
            if (!m.name().equals(me)) {
                heard.copy(m.name(), me).ifPresent(why -> out.putIfAbsent(m.name(), new Finding(m.name(), why,
                        fix(m.name(), m.url()), false)));
            }
        }
        String url = all.stream().filter(m -> m.name().equals(me)).map(Member::url).findFirst().orElse("?");
        heard.copy(me, me).ifPresent(why -> out.putIfAbsent(me, new Finding(me, why, fix(me, url), true)));
        for (JsonNode st : answers) {
            for (JsonNode c : st.path("copies")) {
                if (me.equals(c.asText())) {
                    out.putIfAbsent(me, new Finding(me, "site " + st.path("site").asText("?") + " hears two running"
                            + " processes calling as site " + me + ", this one and a full copy at another address:"
                            + " writes are held here until one of them stops", fix(me, url), true));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    static String fix(String site, String url) {
        return "stop the copy of site " + site + " that should not run (the group knows " + site + " at " + url
                + "); the hold ends by itself " + Incarnations.WINDOW_MS / 1000 + " s later; then 'cusp check'";
    }
}
