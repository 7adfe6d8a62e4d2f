package dev.cusp.sampledata;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * A patient's years of appointments and the procedures charted at them. How often a patient
 * comes is a power-law draw: most come for their twice-yearly recall or less, a few come very
 * often (the Zipf-like skew real practices show). Past visits are complete (a few broken),
 * active patients often have their next recall booked.
 */
final class Visits {
    private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(2);

    private final Dice dice;
    private final Tables t;
    private final CodeCatalog codes;
    private final ReferenceData ref;
    private final Treatments treatments;
    private final Documents documents;

    Visits(Dice dice, Tables t, CodeCatalog codes, ReferenceData ref, Documents documents) {
        this.dice = dice;
        this.t = t;
        this.codes = codes;
        this.ref = ref;
        this.treatments = new Treatments(dice);
        this.documents = documents;
    }

    void of(Person p) throws SQLException {
        LocalDate registered = p.registered.toLocalDate();
        LocalDate from = registered.isAfter(PracticeDataGenerator.HISTORY_START) ? registered
                : PracticeDataGenerator.HISTORY_START;
        LocalDate to = p.left != null ? p.left : PracticeDataGenerator.AS_OF;
        long days = ChronoUnit.DAYS.between(from, to);
        if (days <= 0) {
            return;
        }
        double perYear = Math.min(12, dice.pareto(0.92, 2.1));
        int count = (int) Math.floor(perYear * days / 365.25 + dice.uniform());
        boolean isNew = !registered.isBefore(PracticeDataGenerator.HISTORY_START);
        if (isNew && count == 0 && dice.chance(0.7)) {
            count = 1;
        }
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = (long) (dice.uniform() * days);
        }
        Arrays.sort(offsets);
        LocalDate last = null;
        for (int i = 0; i < count; i++) {
            LocalDate day = from.plusDays(offsets[i]);
            Treatments.Kind kind = i == 0 && isNew ? Treatments.Kind.NEW_PATIENT : treatments.nextKind(p.perio);
            if (i == 0 && isNew) {
                day = registered.plusDays(dice.between(0, 20));
                if (!day.isBefore(to)) {
                    break;
                }
            }
            appointment(p, kind, day, dice.chance(0.07) ? "broken" : "complete");
            last = day;
        }
        if (p.left == null && perYear >= 0.9 && dice.chance(0.65)) {
            appointment(p, Treatments.Kind.RECALL, PracticeDataGenerator.AS_OF.plusDays(dice.between(0, 120)),
                    "scheduled");
        }
        if (last != null && p.left == null && dice.chance(0.2)) {
            LocalDateTime at = last.atTime(17, 30);
            for (Treatments.Planned pl : treatments.unscheduled(p.ageOn(last))) {
                procedure(p, p.dentist, pl, 0, last, "treatment_planned", at, at);
            }
        }
    }

    private void appointment(Person p, Treatments.Kind kind, LocalDate rawDay, String status) throws SQLException {
        LocalDate day = workday(rawDay);
        int age = Math.max(0, p.ageOn(day));
        List<Treatments.Planned> work = treatments.plan(kind, age, p.perio);
        long provider = kind == Treatments.Kind.RECALL || kind == Treatments.Kind.PERIO ? p.hygienist : p.dentist;
        String main = work.get(work.size() - 1).code();
        if (ref.endodontist > 0 && main.startsWith("D33") && dice.chance(0.7)) {
            provider = ref.endodontist;
        } else if (ref.oralSurgeon > 0 && (main.equals("D7210") || main.equals("D7240") || main.equals("D6010"))
                && dice.chance(0.6)) {
            provider = ref.oralSurgeon;
        }
        int length = switch (kind) {
            case NEW_PATIENT -> dice.chance(0.5) ? 60 : 90;
            case RECALL -> work.size() > 4 ? 70 : 60;
            case EMERGENCY -> 30;
            case PERIO -> 90;
            case RESTORATIVE -> Math.min(180, 30 + 30 * work.size());
        };
        LocalDateTime start = day.atTime(8, 0).plusMinutes(10L * dice.between(0, 51));
        LocalDateTime created = kind == Treatments.Kind.NEW_PATIENT ? p.registered
                : start.minusDays(dice.between(1, 180)).withHour(dice.between(8, 16));
        if (created.isBefore(p.registered)) {
            created = p.registered;
        } else if (!created.toLocalDate().isBefore(PracticeDataGenerator.AS_OF)) {
            created = PracticeDataGenerator.AS_OF.minusDays(1).atTime(10, 0);
        }
        LocalDateTime updated = switch (status) {
            case "complete" -> start.plusMinutes(length);
            case "broken" -> start.plusMinutes(15);
            default -> created;
        };
        long id = t.appointment.nextId();
        String note = dice.chance(0.08) ? dice.pick(Names.APPOINTMENT_NOTES) : null;
        t.appointment.add(id, p.id, provider, start, length, status, note, created, updated);
        p.touched(updated);
        String procStatus = status.equals("complete") ? "complete" : "treatment_planned";
        for (Treatments.Planned pl : work) {
            procedure(p, pl.examiner() ? p.dentist : provider, pl, id, day, procStatus, created, updated);
        }
        if (status.equals("complete")) {
            documents.afterVisit(p, work, updated);
            if (kind == Treatments.Kind.NEW_PATIENT) {
                LocalDateTime at = start.plusMinutes(length);
                for (Treatments.Planned pl : treatments.existing(age)) {
                    procedure(p, p.dentist, pl, 0, day, "existing", at, at);
                }
            }
        }
    }

    /** Charts one procedure; {@code appointment} 0 means none. Existing work has no fee. */
    private void procedure(Person p, long provider, Treatments.Planned pl, long appointment, LocalDate day,
                           String status, LocalDateTime created, LocalDateTime stamp) throws SQLException {
        CodeCatalog.Code code = codes.get(pl.code());
        BigDecimal fee = status.equals("existing") ? ZERO : ref.fees[p.schedule][code.index()];
        t.procedure.add(t.procedure.nextId(), p.id, provider, code.id(), appointment == 0 ? null : appointment, day,
                fee, status, pl.tooth(), pl.surface(), null, created, stamp);
        p.touched(stamp);
    }

    /** Most practices see patients Monday to Friday and a few Saturday mornings. */
    private LocalDate workday(LocalDate d) {
        DayOfWeek w = d.getDayOfWeek();
        if (w == DayOfWeek.SUNDAY) {
            return d.plusDays(1);
        }
        if (w == DayOfWeek.SATURDAY && !dice.chance(0.25)) {
            return d.minusDays(1);
        }
        return d;
    }
}
