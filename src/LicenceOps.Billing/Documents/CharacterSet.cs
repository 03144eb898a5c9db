using System.Text;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// The characters a document draws in one face. Kept as characters, not glyphs: noting them is a bit per character in
/// managed code, where asking Skia for each text's glyphs went through its character-to-glyph cache once more per text.
/// </summary>
internal sealed class CharacterSet
{
    private readonly ulong[] basic = new ulong[65536 / 64]; // the Basic Multilingual Plane, a bit each
    private HashSet<int>? supplementary;

    public void Add(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsBmp)
            {
                basic[rune.Value >> 6] |= 1UL << rune.Value;
            }
            else
            {
                (supplementary ??= []).Add(rune.Value);
            }
        }
    }

    public bool ContainsAll(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var known = rune.IsBmp
                ? (basic[rune.Value >> 6] & (1UL << rune.Value)) != 0
                : supplementary?.Contains(rune.Value) == true;
            if (!known)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Every character of the set once, in code point order.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (var word = 0; word < basic.Length; word++)
        {
            for (var bits = basic[word]; bits != 0; bits &= bits - 1)
            {
                text.Append((char)(word * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits)));
            }
        }
        foreach (var value in supplementary?.Order() ?? Enumerable.Empty<int>())
        {
            text.Append(new Rune(value).ToString());
        }
        return text.ToString();
    }
}
