package dev.cusp.sampledata;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What a practice sets up before its first patient: fee schedules and their fees, dentists and
 * hygienists (a few specialists in a large practice), insurance carriers and the employer
 * plans its patients bring. Sized from the number of patients.
 */
final class ReferenceData {
    static final int STANDARD = 0;
    static final int CASH = 1;
    static final int DELTA = 2;
    static final int METLIFE = 3;
    static final int CIGNA = 4;
    static final int COPAY = 5;
    static final int MEDICAID = 6;
    private static final String[] SCHEDULES = {"Standard", "Cash discount", "Delta Dental PPO", "MetLife PDP",
        "Cigna DPPO", "Aetna DMO copays", "Illinois Medicaid"};
    private static final String[] SCHEDULE_TYPES = {"normal", "normal", "normal", "normal", "normal", "copay",
        "normal"};
    private static final double[] SCHEDULE_FACTORS = {1.00, 0.90, 0.74, 0.71, 0.69, 0.25, 0.48};

    /** Carrier, payer id, mailing address, market share, and its PPO schedule (-1: none). */
    private record CarrierSpec(String name, String payerId, String address, String city, String state, String zip,
                               double share, int schedule) {
    }

    private static final CarrierSpec[] CARRIERS = {
        new CarrierSpec("Delta Dental of Illinois", "47598", "PO Box 5402", "Lisle", "IL", "60532", 30, DELTA),
        new CarrierSpec("MetLife", "65978", "PO Box 981282", "El Paso", "TX", "79998", 12, METLIFE),
        new CarrierSpec("Cigna Dental", "62308", "PO Box 188037", "Chattanooga", "TN", "37422", 10, CIGNA),
        new CarrierSpec("Aetna Dental", "60054", "PO Box 14094", "Lexington", "KY", "40512", 9, -1),
        new CarrierSpec("Blue Cross Blue Shield of Illinois", "00621", "PO Box 23059", "Belleville", "IL", "62223",
                9, -1),
        new CarrierSpec("Guardian", "64246", "PO Box 981574", "El Paso", "TX", "79998", 6, -1),
        new CarrierSpec("United Concordia", "CX014", "PO Box 69421", "Harrisburg", "PA", "17106", 5, -1),
        new CarrierSpec("Humana Dental", "73288", "PO Box 14611", "Lexington", "KY", "40512", 4, -1),
        new CarrierSpec("UnitedHealthcare Dental", "52133", "PO Box 30567", "Salt Lake City", "UT", "84130", 3, -1),
        new CarrierSpec("Principal Financial Group", "61271", "PO Box 10401", "Des Moines", "IA", "50306", 3, -1),
        new CarrierSpec("Ameritas", "47009", "PO Box 82520", "Lincoln", "NE", "68501", 3, -1),
        new CarrierSpec("Sun Life Financial", "80314", "PO Box 2940", "Clinton", "IA", "52733", 2, -1),
        new CarrierSpec("Lincoln Financial Group", "62705", "PO Box 21099", "Eagan", "MN", "55121", 2, -1),
        new CarrierSpec("GEHA", "39026", "PO Box 21542", "Eagan", "MN", "55121", 2, -1),
        new CarrierSpec("Illinois Medicaid (HFS)", "ILMCD", "201 S Grand Ave E", "Springfield", "IL", "62763", 0,
                MEDICAID)};

    /** An insurance plan as the generator knows it. */
    record Plan(long id, int schedule) {
    }

    final long[] scheduleIds = new long[SCHEDULES.length];
    /** Fee amounts by schedule, then by {@link CodeCatalog.Code#index()}. */
    final BigDecimal[][] fees;
    final List<Long> dentists = new ArrayList<>();
    final List<Long> hygienists = new ArrayList<>();
    long endodontist = -1;
    long oralSurgeon = -1;
    final List<Plan> employerPlans = new ArrayList<>();
    final List<Plan> medicaidPlans = new ArrayList<>();

    ReferenceData(Dice dice, CodeCatalog codes, Tables t, int patients, LocalDateTime opened) throws SQLException {
        fees = new BigDecimal[SCHEDULES.length][codes.all().size()];
        for (int s = 0; s < SCHEDULES.length; s++) {
            scheduleIds[s] = t.feeSchedule.nextId();
            t.feeSchedule.add(scheduleIds[s], SCHEDULES[s], SCHEDULE_TYPES[s], false, opened, opened);
            for (CodeCatalog.Code code : codes.all()) {
                // Whole dollars, a little off the pure ratio, like a negotiated schedule.
                long amount = Math.max(5, Math.round(code.usualFee() * SCHEDULE_FACTORS[s]
                        * (0.97 + 0.06 * dice.uniform())));
                fees[s][code.index()] = BigDecimal.valueOf(amount * 100, 2);
                t.fee.add(t.fee.nextId(), scheduleIds[s], code.id(), fees[s][code.index()], opened, opened);
            }
        }
        int dentistCount = clamp(Math.round(patients / 2500f), 1, 80);
        int hygienistCount = clamp(Math.round(patients / 1500f), 1, 140);
        for (int i = 1; i <= dentistCount; i++) {
            dentists.add(provider(dice, t, "DDS" + i, "General dentist", opened));
        }
        for (int i = 1; i <= hygienistCount; i++) {
            hygienists.add(provider(dice, t, "RDH" + i, "Hygienist", opened));
        }
        if (patients >= 10_000) {
            endodontist = provider(dice, t, "ENDO1", "Endodontist", opened);
            oralSurgeon = provider(dice, t, "OS1", "Oral surgeon", opened);
        }
        long[] carrierIds = new long[CARRIERS.length];
        double[] shares = new double[CARRIERS.length];
        for (int i = 0; i < CARRIERS.length; i++) {
            CarrierSpec c = CARRIERS[i];
            carrierIds[i] = t.carrier.nextId();
            shares[i] = c.share();
            t.carrier.add(carrierIds[i], c.name(), c.address(), c.city(), c.state(), c.zip(), "800-" + dice.digits(3)
                    + "-" + dice.digits(4), c.payerId(), opened, opened);
        }
        int planCount = clamp(patients / 60, 3, 3000);
        for (int i = 0; i < planCount; i++) {
            int ci = dice.weighted(shares);
            employerPlans.add(plan(dice, t, carrierIds[ci], CARRIERS[ci], opened));
        }
        int medicaid = CARRIERS.length - 1;
        for (String program : new String[] {"All Kids", "Adult dental"}) {
            long id = t.insurancePlan.nextId();
            t.insurancePlan.add(id, carrierIds[medicaid], "Illinois Medicaid - " + program, null, "percentage",
                    scheduleIds[MEDICAID], null, opened, opened);
            medicaidPlans.add(new Plan(id, MEDICAID));
        }
    }

    private long provider(Dice dice, Tables t, String abbr, String specialty, LocalDateTime opened)
            throws SQLException {
        long id = t.provider.nextId();
        boolean female = dice.chance(specialty.equals("Hygienist") ? 0.9 : 0.5);
        t.provider.add(id, abbr, dice.pick(female ? Names.FEMALE : Names.MALE), dice.pick(Names.LAST), npi(dice),
                specialty, scheduleIds[STANDARD], false, opened, opened);
        return id;
    }

    private Plan plan(Dice dice, Tables t, long carrierId, CarrierSpec c, LocalDateTime opened) throws SQLException {
        String type;
        int schedule = -1;
        double x = dice.uniform();
        if ((c.name().startsWith("Aetna") || c.name().startsWith("Cigna")) && x < 0.15) {
            type = "capitation";
            schedule = COPAY;
        } else if (c.schedule() >= 0 && x < 0.85) {
            type = "ppo";
            schedule = c.schedule();
        } else if (x < 0.5) {
            type = "ppo";
        } else if (x < 0.95) {
            type = "percentage";
        } else {
            type = "flat_copay";
            schedule = COPAY;
        }
        String employer = dice.pick(Names.EMPLOYER_PLACES) + " " + dice.pick(Names.EMPLOYER_KINDS);
        String note = dice.chance(0.3) ? "Annual max $" + (1000 + 250 * dice.between(0, 8)) + ", deductible $"
                + (25 * dice.between(1, 4)) : null;
        long id = t.insurancePlan.nextId();
        t.insurancePlan.add(id, carrierId, employer, dice.digits(dice.between(5, 8)), type,
                schedule < 0 ? null : scheduleIds[schedule], note, opened, opened);
        return new Plan(id, schedule);
    }

    /** A 10-digit NPI whose last digit is the Luhn check over "80840" and the first nine. */
    static String npi(Dice dice) {
        String nine = "1" + dice.digits(8);
        String full = "80840" + nine;
        int sum = 0;
        for (int i = 0; i < full.length(); i++) {
            int d = full.charAt(full.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return nine + (10 - sum % 10) % 10;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
