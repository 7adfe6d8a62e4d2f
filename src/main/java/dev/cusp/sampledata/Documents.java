package dev.cusp.sampledata;

import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Document metadata the way a practice accumulates it: an intake form and an insurance card at
 * registration, radiograph series and photos from visits, signed consents before major work.
 * Only metadata: no files are written.
 */
final class Documents {
    private final Dice dice;
    private final Tables t;

    Documents(Dice dice, Tables t) {
        this.dice = dice;
        this.t = t;
    }

    void atRegistration(Person p, boolean insured, boolean adult) throws SQLException {
        if (dice.chance(0.9)) {
            add(p, "intake_form.pdf", "Patient intake and health history", "application/pdf", 80_000, 400_000,
                    p.registered);
        }
        if (insured && adult && dice.chance(0.8)) {
            add(p, "insurance_card_front.jpg", "Insurance card (front)", "image/jpeg", 150_000, 900_000,
                    p.registered);
            if (dice.chance(0.6)) {
                add(p, "insurance_card_back.jpg", "Insurance card (back)", "image/jpeg", 150_000, 900_000,
                        p.registered);
            }
        }
    }

    void afterVisit(Person p, List<Treatments.Planned> work, LocalDateTime at) throws SQLException {
        String day = at.toLocalDate().toString();
        for (Treatments.Planned w : work) {
            switch (w.code()) {
                case "D0210" -> add(p, "fmx_" + day + ".jpg", "Full mouth series", "image/jpeg", 2_000_000,
                        6_000_000, at);
                case "D0330" -> add(p, "pano_" + day + ".jpg", "Panoramic radiograph", "image/jpeg", 1_500_000,
                        4_000_000, at);
                case "D0274", "D0272" -> {
                    if (dice.chance(0.5)) {
                        add(p, "bitewings_" + day + ".jpg", "Bitewings", "image/jpeg", 400_000, 1_500_000, at);
                    }
                }
                case "D2740", "D2750", "D3310", "D3320", "D3330", "D7210", "D7240", "D6010", "D5110", "D5120" ->
                        add(p, "consent_" + w.code().toLowerCase() + "_" + day + ".pdf", "Signed consent, "
                                + w.code() + (w.tooth() == null ? "" : " #" + w.tooth()), "application/pdf",
                                60_000, 250_000, at);
                default -> {
                }
            }
        }
    }

    private void add(Person p, String file, String description, String mime, int minBytes, int maxBytes,
                     LocalDateTime at) throws SQLException {
        // Metadata only: no content is generated, so no hash is claimed (a hash names content that
        // document replication would then look for at every site, and raise a backlog alert for).
        t.document.add(t.document.nextId(), p.id, file, description, mime, (long) dice.between(minBytes, maxBytes),
                null, at, at);
    }
}
