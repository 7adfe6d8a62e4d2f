package dev.cusp.sampledata;

import java.time.LocalDate;
import java.time.LocalDateTime;

/** A generated patient as the visit generator needs to know them; the row itself is written by {@link Families}. */
final class Person {
    final long id;
    final LocalDate birth;
    final LocalDateTime registered;
    /** The day the patient stopped coming (moved, died), or null while active. */
    final LocalDate left;
    final long dentist;
    final long hygienist;
    /** Index of the fee schedule that prices this patient's work, see {@link ReferenceData}. */
    final int schedule;
    final boolean perio;
    /** The latest change to anything about the patient: the row's updated_at. */
    LocalDateTime lastActivity;

    Person(long id, LocalDate birth, LocalDateTime registered, LocalDate left, long dentist, long hygienist,
           int schedule, boolean perio) {
        this.id = id;
        this.birth = birth;
        this.registered = registered;
        this.left = left;
        this.dentist = dentist;
        this.hygienist = hygienist;
        this.schedule = schedule;
        this.perio = perio;
        this.lastActivity = registered;
    }

    int ageOn(LocalDate day) {
        return java.time.Period.between(birth, day).getYears();
    }

    void touched(LocalDateTime at) {
        if (at.isAfter(lastActivity)) {
            lastActivity = at;
        }
    }
}
