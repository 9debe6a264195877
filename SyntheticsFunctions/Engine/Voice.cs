namespace SyntheticsFunctions.Engine;

/// <summary>How a person capitalises what they write.</summary>
public enum Casing
{
    /// <summary>A capital at the start of each sentence.</summary>
    Sentence,

    /// <summary>Everything lower case, "i" included.</summary>
    Lower,

    /// <summary>Sentences capitalised, but the very first letter left small.</summary>
    NoFirstCapital,
}

/// <summary>How a person ends what they write.</summary>
public enum Ending
{
    FullStop,
    Bare,
    Ellipsis,
    Exclamation,
}

/// <summary>
/// A person's way of writing, drawn once from a stable hash of their profile id
/// (<see cref="Outcomes.Unit"/>): how much they write (<see cref="LengthBias"/>, 0 terse to 1
/// chatty), their casing and ending habits, whether they use contractions, and their own chances of a
/// typo, a one-word answer and an emoji. Across people the chances average
/// <see cref="MeanTypoRate"/>, <see cref="MeanOneWordRate"/> and <see cref="MeanEmojiRate"/>.
/// </summary>
public sealed record Voice(double LengthBias, Casing Casing, Ending Ending, bool Contracts, double TypoRate, double OneWordRate, double EmojiRate)
{
    /// <summary>The share of people who make typos, and their own rate between these bounds (mean 2% of all texts).</summary>
    public const double TypoPeople = 0.5;

    public const double TypoRateMin = 0.01;

    public const double TypoRateMax = 0.07;

    /// <summary>Everyone answers with one word now and then, between these rates (mean 5%).</summary>
    public const double OneWordRateMin = 0.01;

    public const double OneWordRateMax = 0.09;

    /// <summary>The share of people who use emoji, and their own rate between these bounds (mean 3% of all texts).</summary>
    public const double EmojiPeople = 0.3;

    public const double EmojiRateMin = 0.04;

    public const double EmojiRateMax = 0.16;

    public const double MeanTypoRate = TypoPeople * (TypoRateMin + TypoRateMax) / 2;

    public const double MeanOneWordRate = (OneWordRateMin + OneWordRateMax) / 2;

    public const double MeanEmojiRate = EmojiPeople * (EmojiRateMin + EmojiRateMax) / 2;

    /// <summary>A voice without typos, one-word answers or emoji, of middling length (where no person is known).</summary>
    public static Voice Plain { get; } = new(0.5, Casing.Sentence, Ending.FullStop, true, 0, 0, 0);

    // Salts of Outcomes.Unit kept apart from the outcome draws (0-5).
    private const int Salt = 40;

    /// <summary>The voice of the person with <paramref name="profileId"/>: the same in every process and every session.</summary>
    public static Voice Of(Guid profileId)
    {
        double U(int k) => Outcomes.Unit(profileId, Salt + k);
        var casing = U(1) switch
        {
            < 0.70 => Casing.Sentence,
            < 0.88 => Casing.Lower,
            _ => Casing.NoFirstCapital,
        };
        var ending = U(2) switch
        {
            < 0.55 => Ending.FullStop,
            < 0.82 => Ending.Bare,
            < 0.93 => Ending.Ellipsis,
            _ => Ending.Exclamation,
        };
        var typo = U(4) < TypoPeople ? TypoRateMin + ((TypoRateMax - TypoRateMin) * U(5)) : 0;
        var oneWord = OneWordRateMin + ((OneWordRateMax - OneWordRateMin) * U(6));
        var emoji = U(7) < EmojiPeople ? EmojiRateMin + ((EmojiRateMax - EmojiRateMin) * U(8)) : 0;
        return new Voice(U(0), casing, ending, U(3) < 0.8, typo, oneWord, emoji);
    }
}
