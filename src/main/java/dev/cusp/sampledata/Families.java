package dev.cusp.sampledata;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Families, the unit a practice bills: one adult guarantor, maybe a spouse, children; one
 * address, one surname, one insurance plan (most families have one, some two, some none).
 * Every member but the guarantor points at the guarantor; the guarantor's own guarantor_id is
 * null (the schema's "own guarantor").
 */
final class Families {
    private static final double[] SIZES = {40, 25, 15, 13, 5, 2};
    private static final Zipf SURNAMES = new Zipf(Names.LAST.length, 0.5);
    private static final Zipf FEMALE = new Zipf(Names.FEMALE.length, 0.5);
    private static final Zipf MALE = new Zipf(Names.MALE.length, 0.5);

    private final Dice dice;
    private final Tables t;
    private final ReferenceData ref;
    private final Visits visits;
    private final Documents documents;
    private final Zipf plans;
    private final Zipf dentists;
    private final double[] townWeights;

    Families(Dice dice, Tables t, ReferenceData ref, Visits visits, Documents documents) {
        this.dice = dice;
        this.t = t;
        this.ref = ref;
        this.visits = visits;
        this.documents = documents;
        this.plans = new Zipf(ref.employerPlans.size(), 1.0);
        this.dentists = new Zipf(ref.dentists.size(), 0.6);
        townWeights = new double[Names.TOWNS.length];
        for (int i = 0; i < townWeights.length; i++) {
            townWeights[i] = Names.TOWNS[i].weight();
        }
    }

    private record Member(String role, int age, boolean female) {
    }

    /** Writes one family of at most {@code room} patients; returns how many it wrote. */
    int next(int room) throws SQLException {
        int size = Math.min(room, dice.weighted(SIZES) + 1);
        List<Member> members = new ArrayList<>(size);
        boolean guarantorFemale = dice.chance(0.55);
        int guarantorAge = size > 1 ? dice.between(26, 62) : dice.chance(0.5) ? dice.between(18, 45)
                : dice.between(46, 92);
        members.add(new Member("self", guarantorAge, guarantorFemale));
        if (size >= 2 && dice.chance(size == 2 ? 0.6 : 0.8)) {
            members.add(new Member("spouse", Math.max(19, guarantorAge + dice.between(-6, 6)), !guarantorFemale));
        }
        while (members.size() < size) {
            int oldest = Math.min(24, guarantorAge - 18);
            members.add(new Member("child", dice.between(0, Math.max(0, oldest)), dice.chance(0.5)));
        }
        String last = Names.LAST[SURNAMES.next(dice)];
        Names.Town town = Names.TOWNS[dice.weighted(townWeights)];
        String address = dice.between(100, 9899) + " " + dice.pick(Names.STREETS) + " " + dice.pick(Names.STREET_KINDS)
                + (dice.chance(0.12) ? " Apt " + dice.between(1, 40) : "");
        String zip = dice.pick(town.zips());
        String home = dice.chance(0.35) ? phone() : null;
        LocalDate opened = PracticeDataGenerator.OPENED.toLocalDate();
        LocalDate registeredOn = opened.plusDays(dice.between(0,
                (int) (PracticeDataGenerator.AS_OF.toEpochDay() - opened.toEpochDay() - 30)));
        LocalDate left = null;
        String status = "active";
        if (dice.chance(0.14)) {
            status = dice.chance(0.08) ? "archived" : "inactive";
            left = registeredOn.plusDays(dice.between(120, 3000));
            if (!left.isBefore(PracticeDataGenerator.AS_OF)) {
                left = PracticeDataGenerator.AS_OF.minusDays(dice.between(30, 400));
            }
            if (!left.isAfter(registeredOn)) {
                left = registeredOn.plusDays(30);
            }
        }
        long dentist = ref.dentists.get(dentists.next(dice));
        long hygienist = ref.hygienists.get(dice.between(0, ref.hygienists.size() - 1));
        // Insurance: most families through an employer, some on Medicaid, about a quarter none.
        double ins = dice.uniform();
        ReferenceData.Plan plan = null;
        ReferenceData.Plan second = null;
        boolean medicaid = false;
        if (ins < 0.07) {
            medicaid = true;
        } else if (ins < 0.76) {
            plan = ref.employerPlans.get(plans.next(dice));
            if (members.size() > 1 && members.get(1).role().equals("spouse") && dice.chance(0.15)) {
                second = ref.employerPlans.get(plans.next(dice));
            }
        }
        Integer patientSchedule = plan == null && !medicaid && dice.chance(0.2) ? ReferenceData.CASH : null;
        String subscriber = dice.digits(9);
        String secondSubscriber = dice.digits(9);
        long guarantorId = 0;
        for (Member m : members) {
            long id = t.patient.nextId();
            if (guarantorId == 0) {
                guarantorId = id;
            }
            LocalDate birth = PracticeDataGenerator.AS_OF.minusYears(m.age()).minusDays(dice.between(1, 364));
            LocalDate firstSeen = registeredOn;
            if (m.role().equals("child")) {
                LocalDate toddler = birth.plusYears(2).plusDays(dice.between(0, 700));
                if (toddler.isAfter(firstSeen)) {
                    firstSeen = toddler.isBefore(PracticeDataGenerator.AS_OF) ? toddler
                            : PracticeDataGenerator.AS_OF.minusDays(dice.between(1, 60));
                }
            }
            LocalDateTime registered = firstSeen.atTime(8, 0).plusMinutes(dice.between(0, 540));
            LocalDate personLeft = left;
            String personStatus = status;
            if (left == null && m.age() >= 75 && dice.chance(0.04)) {
                personStatus = "deceased";
                personLeft = PracticeDataGenerator.AS_OF.minusDays(dice.between(10, 900));
            }
            if (personLeft != null && !personLeft.isAfter(firstSeen)) {
                personLeft = firstSeen.plusDays(1);
            }
            ReferenceData.Plan own = medicaid ? ref.medicaidPlans.get(m.age() < 19 ? 0 : 1)
                    : m.role().equals("child") && m.age() >= 26 ? null : plan;
            int schedule = own != null && own.schedule() >= 0 ? own.schedule()
                    : patientSchedule != null ? patientSchedule : ReferenceData.STANDARD;
            boolean perio = m.age() >= 35 && dice.chance(0.2);
            Person p = new Person(id, birth, registered, personLeft, dentist, hygienist, schedule, perio);
            documents.atRegistration(p, own != null, m.age() >= 18);
            visits.of(p);
            boolean female = m.female();
            String first = female ? Names.FEMALE[FEMALE.next(dice)] : Names.MALE[MALE.next(dice)];
            String nick = Names.NICKNAMES.get(first);
            boolean adult = m.age() >= 18;
            String email = adult && dice.chance(0.65) ? first.toLowerCase() + "."
                    + last.toLowerCase().replace("'", "") + (dice.chance(0.4) ? Integer.toString(dice.between(1, 99))
                    : "") + "@" + dice.pick(Names.MAIL_DOMAINS) : null;
            String wireless = adult ? (dice.chance(0.88) ? phone() : null) : m.age() >= 13 && dice.chance(0.5) ? phone()
                    : null;
            t.patient.add(id, last, first, dice.chance(0.4) ? String.valueOf((char) ('A' + dice.between(0, 25))) : null,
                    nick != null && dice.chance(0.3) ? nick : null, birth, female ? "female" : "male",
                    id == guarantorId ? null : guarantorId, dentist,
                    patientSchedule == null ? null : ref.scheduleIds[patientSchedule], personStatus, email, home,
                    wireless, address, town.name(), "IL", zip, registered, p.lastActivity);
            if (own != null) {
                t.patientPlan.add(t.patientPlan.nextId(), id, own.id(), 1, medicaid ? "MCD" + dice.digits(9)
                        : subscriber, medicaid ? "self" : m.role(), registered, registered);
                if (second != null) {
                    String rel = m.role().equals("self") ? "spouse" : m.role().equals("spouse") ? "self" : "child";
                    t.patientPlan.add(t.patientPlan.nextId(), id, second.id(), 2, secondSubscriber, rel, registered,
                            registered);
                }
            }
        }
        return members.size();
    }

    private String phone() {
        return "217-" + dice.between(200, 989) + "-" + dice.digits(4);
    }
}
