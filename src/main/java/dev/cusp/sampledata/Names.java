package dev.cusp.sampledata;

import java.util.Map;

/**
 * Names and places of a sample practice around Springfield, Illinois. Lists are ordered by
 * how common they are, so a Zipf pick over them gives realistic repeats (many Smiths).
 */
final class Names {
    private Names() {
    }

    static final String[] LAST = {
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
        "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
        "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
        "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
        "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
        "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
        "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
        "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson",
        "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens",
        "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen",
        "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter",
        "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks",
        "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox",
        "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens",
        "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins",
        "Arnold", "Pierce", "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham",
        "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Ray", "Berry", "Perkins",
        "Hoffman", "Johnston", "Matthews", "Richards", "Willis", "Carpenter", "Lawrence", "Schultz", "Becker",
        "Kowalski", "O'Brien", "Novak", "Lindqvist", "Okafor", "Yamamoto", "Dubois", "Rossi", "Kaur", "Haddad"};

    static final String[] FEMALE = {
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
        "Lisa", "Nancy", "Betty", "Sandra", "Margaret", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
        "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Amy",
        "Kathleen", "Angela", "Shirley", "Brenda", "Emma", "Anna", "Pamela", "Nicole", "Samantha", "Katherine",
        "Christine", "Helen", "Debra", "Rachel", "Carolyn", "Janet", "Maria", "Olivia", "Heather", "Diane",
        "Julie", "Joyce", "Victoria", "Ruth", "Virginia", "Lauren", "Kelly", "Christina", "Joan", "Evelyn",
        "Sophia", "Ava", "Isabella", "Mia", "Charlotte", "Amelia", "Harper", "Abigail", "Madison", "Chloe"};

    static final String[] MALE = {
        "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Christopher",
        "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Andrew", "Paul", "Joshua",
        "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Jason", "Edward", "Jeffrey", "Ryan",
        "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon",
        "Benjamin", "Samuel", "Gregory", "Alexander", "Patrick", "Frank", "Raymond", "Jack", "Dennis", "Jerry",
        "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry", "Zachary", "Douglas", "Peter", "Kyle",
        "Liam", "Noah", "Oliver", "Elijah", "Lucas", "Mason", "Logan", "Ethan", "Aiden", "Carter"};

    static final Map<String, String> NICKNAMES = Map.ofEntries(
            Map.entry("William", "Bill"), Map.entry("Robert", "Bob"), Map.entry("Elizabeth", "Liz"),
            Map.entry("Katherine", "Kate"), Map.entry("James", "Jim"), Map.entry("Michael", "Mike"),
            Map.entry("Jennifer", "Jen"), Map.entry("Christopher", "Chris"), Map.entry("Alexander", "Alex"),
            Map.entry("Margaret", "Peggy"), Map.entry("Richard", "Rick"), Map.entry("Thomas", "Tom"),
            Map.entry("Joseph", "Joe"), Map.entry("Daniel", "Dan"), Map.entry("Matthew", "Matt"),
            Map.entry("Anthony", "Tony"), Map.entry("Patricia", "Pat"), Map.entry("Susan", "Sue"),
            Map.entry("Deborah", "Deb"), Map.entry("Samantha", "Sam"), Map.entry("Victoria", "Vicky"),
            Map.entry("Nicholas", "Nick"), Map.entry("Benjamin", "Ben"), Map.entry("Rebecca", "Becky"));

    /** Town, ZIP codes, and how many of the practice's families live there. */
    record Town(String name, String[] zips, double weight) {
    }

    static final Town[] TOWNS = {
        new Town("Springfield", new String[] {"62701", "62702", "62703", "62704", "62707", "62711", "62712"}, 55),
        new Town("Chatham", new String[] {"62629"}, 9), new Town("Rochester", new String[] {"62563"}, 5),
        new Town("Sherman", new String[] {"62684"}, 4), new Town("Riverton", new String[] {"62561"}, 3),
        new Town("Auburn", new String[] {"62615"}, 3), new Town("Petersburg", new String[] {"62675"}, 2),
        new Town("Pawnee", new String[] {"62558"}, 2), new Town("Williamsville", new String[] {"62693"}, 2),
        new Town("Jacksonville", new String[] {"62650"}, 4), new Town("Taylorville", new String[] {"62568"}, 3),
        new Town("Lincoln", new String[] {"62656"}, 3), new Town("Athens", new String[] {"62613"}, 2),
        new Town("New Berlin", new String[] {"62670"}, 1), new Town("Decatur", new String[] {"62521", "62522"}, 2)};

    static final String[] STREETS = {
        "Oak", "Maple", "Cedar", "Pine", "Elm", "Walnut", "Washington", "Lincoln", "Jefferson", "Adams", "Madison",
        "Monroe", "Lake", "Hill", "Park", "Main", "Church", "Spring", "Chestnut", "Sycamore", "Cherry", "Highland",
        "Meadow", "Ridge", "Sunset", "Prairie", "Capitol", "Wabash", "Lawrence", "Stevenson", "Koke Mill",
        "Iles", "Chatham", "Wiggins", "Bruns", "MacArthur", "Outer Park", "Old Jacksonville", "Cockrell", "Glenwood"};

    static final String[] STREET_KINDS = {"St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Pl"};

    static final String[] MAIL_DOMAINS = {"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net",
        "hotmail.com", "aol.com"};

    /** Employers that sponsor dental plans: "{place} {kind}". */
    static final String[] EMPLOYER_PLACES = {"Springfield", "Sangamon", "Capitol", "Prairie", "Lincoln Land",
        "Central Illinois", "Midwest", "Illini", "Heartland", "Lakeside", "Riverbend", "Memorial", "State",
        "Wabash", "Route 66", "Chatham", "Menard", "Logan", "Macon", "Morgan"};
    static final String[] EMPLOYER_KINDS = {"Public Schools", "Health System", "Logistics", "Manufacturing",
        "Credit Union", "Insurance", "County", "Hardware", "Foods", "Engineering", "Electric", "Bank & Trust",
        "Community College", "Auto Group", "Construction", "Clinic", "Water Reclamation", "Printing",
        "Law Group", "Veterinary", "Dental Lab", "Farm Supply", "Transit", "Telecom"};

    static final String[] APPOINTMENT_NOTES = {"Prefers mornings", "Pre-medication required (joint replacement)",
        "Anxious patient, offer nitrous", "Confirmed by text", "Left voicemail to confirm", "Bring insurance card",
        "Needs interpreter (Spanish)", "Running late, called ahead", "Parent to stay in operatory",
        "Latex allergy", "Wants to discuss whitening", "Asked for a cancellation call"};
}
