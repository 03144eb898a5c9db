using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>The closing lines of a bench: each goal of the issue with the figure measured and whether it is met.</summary>
internal static class Goals
{
    public static void Print(string text, bool met) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(met ? "met    " : "NOT MET")}  {text}"));
}
