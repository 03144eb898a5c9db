namespace LicenceOps.Platform.Identity;

/// <summary>
/// What a password must be: 12 to 128 characters, no control characters, and not guessable (zxcvbn score 3 or more,
/// which also rejects repeats, sequences, common passwords and words from the user's own e-mail or name).
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 12;

    /// <summary>Long passphrases are welcome; this only bounds the hashing work one request can cause.</summary>
    public const int MaximumLength = 128;

    public const int MinimumScore = 3;

    /// <returns>Why <paramref name="password"/> is refused, or null when it is acceptable.</returns>
    public static string? Check(string? password, params string?[] userInputs)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            return $"password must have at least {MinimumLength} characters.";
        }

        if (password.Length > MaximumLength)
        {
            return $"password must have at most {MaximumLength} characters.";
        }

        if (password.Any(char.IsControl))
        {
            return "password must not contain control characters.";
        }

        if (string.IsNullOrWhiteSpace(password))
        {
            return "password must not be only spaces.";
        }

        var inputs = userInputs.Where(i => !string.IsNullOrWhiteSpace(i))
            .SelectMany(i => i!.Split(['@', '.', ' ', '-', '_'], StringSplitOptions.RemoveEmptyEntries))
            .Prepend("licenceops")
            .ToList();
        var result = Zxcvbn.Zxcvbn.MatchPassword(password, inputs);
        return result.Score < MinimumScore
            ? "password is too easy to guess (common words, repeats or sequences); use a longer passphrase of unrelated words."
            : null;
    }
}
