package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.backup.BackupService;
import dev.cusp.backup.BackupSummary;
import dev.cusp.backup.BackupVerification;
import dev.cusp.base.JsonMapping;
import dev.cusp.docsync.Backlog;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.restore.Restorer;
import dev.cusp.wire.ErrorAnswer;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.GuardOverride;
import dev.cusp.wire.Invitation;
import dev.cusp.wire.JobStatus;
import dev.cusp.wire.Joined;
import dev.cusp.wire.NodeStatusView;
import dev.cusp.wire.Reseeded;
import dev.cusp.wire.SiteLeft;
import dev.cusp.wire.SiteRemoved;
import dev.cusp.wire.SiteStatus;
import dev.cusp.wire.SiteView;
import dev.cusp.wire.TenantDetail;
import dev.cusp.wire.TenantDropped;
import dev.cusp.wire.TenantView;
import dev.cusp.wire.UpdateResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * A renamed or dropped answer field fails the command with one line naming it, instead of
 * printing blank: every answer the CLI reads is read into the record the site writes it from.
 */
class AnswerReadTest {
    /** Every answer (and part of one) the CLI commands read, as the site writes it. */
    static Stream<Class<? extends Record>> answers() {
        return Stream.of(SiteStatus.class, NodeStatusView.class, GroupView.class, SiteView.class, SiteView.Link.class,
                Joined.class, Reseeded.class, Invitation.class, SiteLeft.class, SiteRemoved.class, GuardOverride.class,
                TenantDropped.class, TenantDetail.class, UpdateResult.class, BackupSummary.class,
                BackupVerification.class, BackupService.Outcome.class, Restorer.Result.class, JobStatus.class,
                ErrorAnswer.class, Backlog.class);
    }

    @Test
    void aRenamedFieldFailsTheCommand() {
        ObjectNode n = JsonMapping.MAPPER.valueToTree(new TenantView("acme", 1, "od_acme_1", "u_acme", "active", "3",
                null, 10L));
        n.set("schema", n.remove("schema_version"));
        assertThatThrownBy(() -> AdminClient.read(n, TenantView.class)).isInstanceOf(CuspException.class)
                .hasMessageContaining("schema_version")
                .satisfies(e -> assertThat(((CuspException) e).code()).isEqualTo(ErrorCode.INTERNAL));
    }

    /**
     * The answer as the site serializes it reads back; without any one field the site always
     * writes, the read fails naming that field; a field the site leaves out when empty may be
     * missing.
     */
    @ParameterizedTest
    @MethodSource("answers")
    void everyFieldTheSiteAlwaysWritesIsRequired(Class<? extends Record> type) throws Exception {
        ObjectNode whole = JsonMapping.MAPPER.valueToTree(sample(type));
        assertThat(AdminClient.read(whole, type)).isNotNull();
        List<String> required = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String name = whole.properties().stream().map(Map.Entry::getKey).filter(k -> k.replace("_", "")
                    .equalsIgnoreCase(c.getName())).findFirst().orElseThrow(() -> new AssertionError(type
                    .getSimpleName() + " does not write " + c.getName()));
            ObjectNode less = whole.deepCopy();
            less.remove(name);
            if (optional(c)) {
                assertThat(AdminClient.read(less, type)).as(name + " may be left out").isNotNull();
            } else {
                required.add(name);
                assertThatThrownBy(() -> AdminClient.read(less, type)).as(type.getSimpleName() + " without " + name)
                        .isInstanceOf(CuspException.class).hasMessageContaining("'" + name + "'");
            }
        }
        assertThat(required).as("a record the CLI reads has fields it relies on").isNotEmpty();
    }

    @Test
    void aSiteWhoseNodeIsDownShowsWhyAndItsStatusStillReads() {
        SiteStatus s = new SiteStatus(new SiteStatus.About("a", "1.0", "https://a", "/h", "ab", 0, 0),
                NodeStatusView.unreachable("node not reachable: refused"), List.of(), List.of());
        JsonNode n = JsonMapping.MAPPER.valueToTree(s);
        assertThat(n.path("node").path("error").asText()).contains("refused");
        assertThat(AdminClient.read(n, SiteStatus.class).node().error()).contains("refused");
        // A reachable node writes no "error" at all, as before.
        assertThat(JsonMapping.MAPPER.valueToTree(new NodeStatusView("11.4", null, 3306L, 1L, 1L, true, "ROW", true,
                true, "", 1L, 1L, false, "YES", 1L, null)).has("error")).isFalse();
    }

    @Test
    void aRefusalIsReadAsTheSiteWroteItAndAnythingElseByItsStatus() {
        JsonNode refusal = JsonMapping.MAPPER.valueToTree(new ErrorAnswer(new dev.cusp.wire.ErrorBody("NOT_FOUND",
                "no tenant 'x'", "name")));
        CuspException e = AdminClient.refusal(404, refusal);
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("no tenant 'x'");
        assertThat(e.field()).isEqualTo("name");
        CuspException other = AdminClient.refusal(502, JsonMapping.MAPPER.createObjectNode().put("oops", 1));
        assertThat(other.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(other.getMessage()).isEqualTo("the site answered 502");
    }

    @Test
    void aPeersBacklogThisCliCannotReadIsSaidForThatSiteAlone() {
        StringWriter w = new StringWriter();
        StatusCommand.documents(new PrintWriter(w, true), "b", JsonMapping.MAPPER.createObjectNode().put("files", 3));
        assertThat(w.toString()).contains("Documents at b: not readable by this CLI").contains("bytes");
        StringWriter ok = new StringWriter();
        StatusCommand.documents(new PrintWriter(ok, true), "b", JsonMapping.MAPPER.valueToTree(new Backlog(3, 2097152,
                40L, 1, 7, 0, 0, 0, 60)));
        assertThat(ok.toString()).contains("Documents at b: 3 file(s) missing (2.0 MB), the oldest for 40 s;"
                + " fetched 7 since start");
    }

    @Test
    void anEmptyAnswerFailsLoudly() {
        assertThatThrownBy(() -> AdminClient.read(null, Restorer.Result.class)).isInstanceOf(CuspException.class)
                .hasMessageContaining("no Result");
    }

    private static boolean optional(RecordComponent c) {
        // @JsonInclude is not a record-component annotation: it lands on the accessor (and field).
        JsonInclude inc = c.getAccessor().getAnnotation(JsonInclude.class);
        if (inc == null) {
            inc = c.getDeclaringRecord().getAnnotation(JsonInclude.class);
        }
        return inc != null && inc.value() != JsonInclude.Include.ALWAYS && inc.value() != JsonInclude.Include.USE_DEFAULTS;
    }

    /** A record with every field set, so the site's serializer writes every field. */
    static Object sample(Class<?> type) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            args[i] = value(cs[i].getType(), cs[i].getGenericType());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(Class<?> t, Type generic) {
        if (t == String.class) {
            return "x";
        }
        if (t == int.class || t == Integer.class) {
            return 1;
        }
        if (t == long.class || t == Long.class) {
            return 1L;
        }
        if (t == double.class || t == Double.class) {
            return 1.0;
        }
        if (t == boolean.class || t == Boolean.class) {
            return true;
        }
        if (t == Instant.class) {
            return Instant.EPOCH;
        }
        if (JsonNode.class.isAssignableFrom(t)) {
            return JsonMapping.MAPPER.createObjectNode().put("k", 1);
        }
        if (t.isRecord()) {
            return sample(t);
        }
        if (t == List.class) {
            Type e = ((ParameterizedType) generic).getActualTypeArguments()[0];
            return List.of(value(raw(e), e));
        }
        if (t == Map.class) {
            Type v = ((ParameterizedType) generic).getActualTypeArguments()[1];
            return Map.of("k", value(raw(v), v));
        }
        throw new IllegalArgumentException("no sample for " + t);
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    }
}
