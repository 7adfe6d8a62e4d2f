package dev.cusp.sampledata;

import java.util.ArrayList;
import java.util.List;

/**
 * What is done at each kind of visit, in CDT codes with tooth and surfaces: a recall is an exam,
 * a cleaning and now and then radiographs; restorative visits are mostly composites, sometimes
 * a crown with a buildup, a root canal or an extraction. Frequencies follow a typical general
 * practice's production mix.
 */
final class Treatments {
    enum Kind { NEW_PATIENT, RECALL, RESTORATIVE, EMERGENCY, PERIO }

    /** One procedure to chart. {@code examiner}: done by the dentist even in a hygienist's visit. */
    record Planned(String code, String tooth, String surface, boolean examiner) {
        Planned(String code) {
            this(code, null, null, false);
        }
    }

    private static final String[] MOLARS = {"1", "2", "3", "14", "15", "16", "17", "18", "19", "30", "31", "32"};
    private static final String[] PREMOLARS = {"4", "5", "12", "13", "20", "21", "28", "29"};
    private static final String[] ANTERIOR = {"6", "7", "8", "9", "10", "11", "22", "23", "24", "25", "26", "27"};
    private static final String[] PRIMARY_POSTERIOR = {"A", "B", "I", "J", "K", "L", "S", "T"};
    private static final String[] PRIMARY_ANTERIOR = {"C", "D", "E", "F", "G", "H", "M", "N", "O", "P", "Q", "R"};
    private static final String[][] POSTERIOR_SURFACES = {{"O", "B", "L", "M", "D"}, {"MO", "DO", "OB", "OL"},
        {"MOD", "MOB", "DOL"}};
    private static final String[][] ANTERIOR_SURFACES = {{"F", "L", "M", "D"}, {"MF", "DF", "ML", "MI"},
        {"MIF", "DIL", "MFL"}};

    private final Dice dice;

    Treatments(Dice dice) {
        this.dice = dice;
    }

    /** Picks the kind of an ordinary (not first) visit. */
    Kind nextKind(boolean perio) {
        double x = dice.uniform();
        if (x < 0.55) {
            return Kind.RECALL;
        }
        if (x < 0.85) {
            return Kind.RESTORATIVE;
        }
        if (x < 0.94) {
            return Kind.EMERGENCY;
        }
        return perio ? Kind.PERIO : Kind.RECALL;
    }

    List<Planned> plan(Kind kind, int age, boolean perio) {
        List<Planned> out = new ArrayList<>(6);
        boolean child = age < 14;
        switch (kind) {
            case NEW_PATIENT -> {
                out.add(new Planned("D0150", null, null, true));
                if (age >= 5) {
                    out.add(new Planned(!child && dice.chance(0.7) ? "D0210" : "D0330"));
                    if (out.get(1).code().equals("D0330")) {
                        out.add(new Planned(child ? "D0272" : "D0274"));
                    }
                }
                out.add(new Planned(child ? "D1120" : perio ? "D4355" : "D1110"));
                if (child) {
                    out.add(new Planned("D1206"));
                }
            }
            case RECALL -> {
                out.add(new Planned(age < 3 ? "D0145" : perio && dice.chance(0.3) ? "D0180" : "D0120", null, null,
                        true));
                out.add(new Planned(child ? "D1120" : perio ? "D4910" : "D1110"));
                if (age >= 5) {
                    double x = dice.uniform();
                    if (x < 0.10 && !child) {
                        out.add(new Planned("D0210"));
                    } else if (x < 0.55) {
                        out.add(new Planned(child ? "D0272" : "D0274"));
                    }
                }
                if (child ? dice.chance(0.9) : dice.chance(0.15)) {
                    out.add(new Planned("D1206"));
                }
                if (dice.chance(0.08)) {
                    out.add(new Planned("D1330"));
                }
                if (age >= 6 && age <= 14 && dice.chance(0.2)) {
                    for (int i = dice.between(2, 4); i > 0; i--) {
                        out.add(new Planned("D1351", dice.pick(MOLARS), "O", false));
                    }
                }
            }
            case RESTORATIVE -> restorative(out, age);
            case EMERGENCY -> {
                out.add(new Planned("D0140", null, null, true));
                String tooth = age < 12 ? dice.pick(PRIMARY_POSTERIOR) : dice.pick(MOLARS);
                out.add(new Planned("D0220", tooth, null, false));
                double x = dice.uniform();
                if (x < 0.5) {
                    out.add(new Planned("D9110", tooth, null, false));
                } else if (x < 0.75) {
                    out.add(new Planned("D7140", tooth, null, false));
                } else {
                    out.add(new Planned("D2391", tooth, dice.pick(POSTERIOR_SURFACES[0]), false));
                }
            }
            case PERIO -> {
                if (dice.chance(0.2)) {
                    out.add(new Planned("D4355"));
                } else {
                    for (int q = dice.between(1, 2); q > 0; q--) {
                        out.add(new Planned(dice.chance(0.7) ? "D4341" : "D4342"));
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    private void restorative(List<Planned> out, int age) {
        double x = dice.uniform();
        if (age < 13) {
            String tooth = dice.pick(PRIMARY_POSTERIOR);
            if (x < 0.1) {
                out.add(new Planned("D3220", tooth, null, false));
            } else if (x < 0.2) {
                out.add(new Planned("D7140", tooth, null, false));
                return;
            }
            fillings(out, true, dice.between(1, 3));
            return;
        }
        if (age >= 12 && age <= 16 && x < 0.03) {
            out.add(new Planned("D8080"));
            return;
        }
        if (x < 0.22) {
            String tooth = dice.chance(0.8) ? dice.pick(MOLARS) : dice.pick(PREMOLARS);
            if (dice.chance(0.6)) {
                out.add(new Planned("D2950", tooth, null, false));
            }
            out.add(new Planned(dice.chance(0.6) ? "D2740" : "D2750", tooth, null, false));
        } else if (x < 0.28) {
            int kind = dice.between(0, 2);
            String tooth = kind == 0 ? dice.pick(ANTERIOR) : kind == 1 ? dice.pick(PREMOLARS) : dice.pick(MOLARS);
            out.add(new Planned("D0220", tooth, null, false));
            out.add(new Planned(kind == 0 ? "D3310" : kind == 1 ? "D3320" : "D3330", tooth, null, false));
        } else if (x < 0.35) {
            String tooth = dice.pick(MOLARS);
            out.add(new Planned("D0220", tooth, null, false));
            out.add(new Planned(dice.chance(0.7) ? "D7140" : age < 25 ? "D7240" : "D7210", tooth, null, false));
        } else if (x < 0.37 && age >= 40) {
            String tooth = dice.chance(0.5) ? dice.pick(MOLARS) : dice.pick(PREMOLARS);
            out.add(new Planned("D6010", tooth, null, false));
            if (dice.chance(0.5)) {
                out.add(new Planned("D7953", tooth, null, false));
            }
        } else if (x < 0.38 && age >= 40) {
            out.add(new Planned("D6065", dice.pick(MOLARS), null, false));
        } else if (x < 0.39 && age >= 55) {
            out.add(new Planned(dice.pick(new String[] {"D5110", "D5120", "D5213"})));
        } else if (x < 0.40 && age >= 30) {
            int first = dice.pick(new Integer[] {3, 12, 19, 28});
            out.add(new Planned("D6750", Integer.toString(first), null, false));
            out.add(new Planned("D6240", Integer.toString(first + 1), null, false));
            out.add(new Planned("D6750", Integer.toString(first + 2), null, false));
        } else if (x < 0.42) {
            out.add(new Planned("D9944"));
        } else {
            fillings(out, false, dice.between(1, 3));
        }
        if (dice.chance(0.05)) {
            out.add(new Planned("D9230"));
        }
    }

    private void fillings(List<Planned> out, boolean primary, int count) {
        for (int i = 0; i < count; i++) {
            boolean anterior = dice.chance(0.2);
            int surfaces = dice.weighted(new double[] {50, 35, 15});
            String tooth = primary ? dice.pick(anterior ? PRIMARY_ANTERIOR : PRIMARY_POSTERIOR)
                    : anterior ? dice.pick(ANTERIOR) : dice.chance(0.6) ? dice.pick(MOLARS) : dice.pick(PREMOLARS);
            String surface = dice.pick((anterior ? ANTERIOR_SURFACES : POSTERIOR_SURFACES)[surfaces]);
            String code;
            if (anterior) {
                code = new String[] {"D2330", "D2331", "D2332"}[surfaces];
            } else if (dice.chance(0.12)) {
                code = new String[] {"D2140", "D2150", "D2160"}[surfaces];
            } else {
                code = new String[] {"D2391", "D2392", "D2393"}[surfaces];
            }
            out.add(new Planned(code, tooth, surface, false));
        }
    }

    /** Work a new patient arrives with, charted as existing (done elsewhere, no fee). */
    List<Planned> existing(int age) {
        List<Planned> out = new ArrayList<>();
        if (age < 18 || !dice.chance(0.35)) {
            return out;
        }
        for (int i = dice.between(1, 4); i > 0; i--) {
            String tooth = dice.pick(MOLARS);
            out.add(switch (dice.between(0, 4)) {
                case 0 -> new Planned("D2740", tooth, null, false);
                case 1 -> new Planned("D3330", tooth, null, false);
                case 2 -> new Planned("D7140", tooth, null, false);
                case 3 -> new Planned("D2140", tooth, "O", false);
                default -> new Planned("D2391", tooth, dice.pick(POSTERIOR_SURFACES[1]), false);
            });
        }
        return out;
    }

    /** Work diagnosed but not yet scheduled: a crown or a couple of fillings. */
    List<Planned> unscheduled(int age) {
        List<Planned> out = new ArrayList<>();
        if (dice.chance(0.4) && age >= 18) {
            String tooth = dice.pick(MOLARS);
            out.add(new Planned("D2950", tooth, null, false));
            out.add(new Planned("D2740", tooth, null, false));
        } else {
            fillings(out, age < 13, dice.between(1, 2));
        }
        return out;
    }
}
