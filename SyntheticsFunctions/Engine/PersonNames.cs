namespace SyntheticsFunctions.Engine;

/// <summary>
/// Display names that look like the people of a journey app: a first name and a last initial
/// ("Aiyana K.", "Łukasz W.", "Søren H."), from first names of many languages. Chosen from a seed
/// of the profile id (itself drawn from the run's seeded Random), so the same seed writes the same
/// names. The synthetic mark is not in the name: it is in the profile's metadata and in
/// <c>sim_users</c> (a team that wants it visible sets <c>Synthetics__DisplayNamePrefix</c>).
/// </summary>
public static class PersonNames
{
    /// <summary>First names across languages and regions; some with letters beyond ASCII, as people write them.</summary>
    public static IReadOnlyList<string> FirstNames { get; } =
    [
        // English-speaking countries
        "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Charlotte", "Jack", "Harper", "Ethan",
        "Grace", "Mason", "Chloe", "Lucas", "Ruby", "Henry", "Zoe", "Owen", "Isla", "Caleb",
        // Irish, Scottish, Welsh
        "Siobhán", "Niamh", "Seán", "Aoife", "Ciarán", "Eilidh", "Rhys", "Cerys",
        // Spanish and Portuguese
        "Sofía", "Mateo", "Lucía", "Martín", "Valentina", "Joaquín", "Camila", "Diego", "Inês", "João",
        "Gonçalo", "Beatriz", "Thiago", "Larissa",
        // French, Italian
        "Chloé", "Léa", "Théo", "Zoé", "Mathis", "Margaux", "Giulia", "Lorenzo", "Francesca", "Matteo",
        // German, Dutch, Scandinavian, Finnish
        "Jürgen", "Lena", "Lukas", "Anja", "Jonas", "Sanne", "Daan", "Søren", "Astrid", "Björn",
        "Ingrid", "Åsa", "Maja", "Mikkel", "Aino", "Jyrki", "Eetu", "Sigríður",
        // Central and Eastern Europe
        "Łukasz", "Zofia", "Wojciech", "Agnieszka", "Jiří", "Tereza", "Ondřej", "Zsófia", "Bence", "Ioana",
        "Andrei", "Dmitri", "Olena", "Taras", "Katarina", "Luka", "Marija", "Ana",
        // Greek, Turkish
        "Eleni", "Nikos", "Dimitra", "Elif", "Mehmet", "Zeynep", "Çağrı", "Gökhan",
        // Arabic, Persian, Hebrew
        "Omar", "Layla", "Yusuf", "Fatima", "Karim", "Nour", "Darius", "Shirin", "Noa", "Yael",
        // South Asia
        "Aarav", "Priya", "Rohan", "Ananya", "Arjun", "Kavya", "Vikram", "Meera", "Farhan", "Ayesha",
        "Sanjay", "Lakshmi", "Nimal", "Tharushi",
        // East and Southeast Asia
        "Wei", "Mei", "Jun", "Xiu", "Haruto", "Yui", "Sakura", "Kenji", "Min-jun", "Seo-yeon",
        "Ji-ho", "Linh", "Minh", "Thảo", "Nguyệt", "Aiko", "Siti", "Putri", "Arief", "Malia",
        // Africa
        "Amara", "Chidi", "Ngozi", "Kwame", "Abena", "Thandiwe", "Sipho", "Wanjiru", "Kofi", "Zanele",
        "Yaw", "Nia", "Tendai", "Amani",
        // Indigenous and Pacific
        "Aiyana", "Kai", "Tāne", "Mere", "Koa", "Leilani", "Nayeli", "Ahanu",
        // Latin America
        "Ximena", "Santiago", "Renata", "Emiliano", "Daniela", "Sebastián", "Florencia", "Julián",
    ];

    /// <summary>Letters a last name may begin with, weighted roughly as surnames begin (some beyond ASCII).</summary>
    public static IReadOnlyList<string> LastInitials { get; } =
    [
        "A", "B", "B", "C", "C", "D", "D", "E", "F", "G", "G", "H", "H", "I", "J", "K", "K", "L", "L", "M", "M", "M",
        "N", "O", "P", "P", "R", "R", "S", "S", "S", "T", "T", "V", "W", "W", "Y", "Z", "Ö", "Š", "Ž", "Ç", "Ø",
    ];

    /// <summary>The display name of the person with this profile id: first name and last initial.</summary>
    public static string For(Guid profileId)
    {
        var random = new Random(profileId.GetHashCode());
        return $"{Sampling.Pick(random, FirstNames)} {Sampling.Pick(random, LastInitials)}.";
    }
}
