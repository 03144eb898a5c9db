using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>Command line of the invoicing benchmark.</summary>
internal sealed record BenchOptions(int Tenants, int SubscriptionsPerTenant, int Parallelism, string Period, bool Keep, IReadOnlyList<int>? Scale = null, int Rounds = 3)
{
    public const string Usage = """
        LicenceOps invoicing benchmark (the HTTP benchmark is the "http" verb: run it with "http --help"): seeds tenants into a temporary embedded data directory (SQLite),
        runs the monthly invoice run for one period (draft + issue + stored PDF), then renders every invoice to PDF
        again without storing it: the rendering floor the run is compared with.

        Usage:
          dotnet run -c Release --project bench/LicenceOps.Bench -- [options]

        Options:
          --tenants N         tenants to create (default 1000)
          --subscriptions N   subscriptions per tenant (default 3)
          --parallel N        threads of the PDF-only rendering floor measured after the run (default: one per core);
                              the run itself drafts and numbers serially and renders on every core meanwhile
          --period YYYY-MM    billed month (default 2026-10)
          --keep              keep the data directory (and sample PDFs) instead of deleting it
          --scale N,N,...     run once per tenant count (e.g. 100,1000,10000) after warm-up runs (200 tenants, then 400 in
                              batches of 16, each warm-up's mail sent after it; repeated until the JIT has settled, at
                              least 4, at most 5; the first is printed as the cold figure), then print
                              the per-invoice cost of each and the goals (flat cost, ≥ 90 % of the floor, memory)
          --rounds N          with --scale: measure each size N times, the sizes taking turns, and read each size's
                              median round for the goals (default 3; the peak memory goal reads the first round,
                              as later rounds carry the earlier hosts' leftovers)
          --help              this text
        """;

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(1000, 3, Environment.ProcessorCount, "2026-10", false);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tenants": options = options with { Tenants = PositiveInt(args, ++i) }; break;
                case "--subscriptions": options = options with { SubscriptionsPerTenant = PositiveInt(args, ++i) }; break;
                case "--parallel": options = options with { Parallelism = PositiveInt(args, ++i) }; break;
                case "--period": options = options with { Period = Value(args, ++i) }; break;
                case "--keep": options = options with { Keep = true }; break;
                case "--scale": options = options with { Scale = Sizes(args, ++i) }; break;
                case "--rounds": options = options with { Rounds = PositiveInt(args, ++i) }; break;
                case "--help" or "-h": return null;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        return options;
    }

    private static string Value(string[] args, int i) =>
        i < args.Length ? args[i] : throw new ArgumentException($"Option {args[i - 1]} needs a value.");

    private static List<int> Sizes(string[] args, int i) =>
        Value(args, i).Split(',').Select(text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"Option --scale needs positive whole numbers separated by commas, not '{args[i]}'.")).ToList();

    private static int PositiveInt(string[] args, int i) =>
        int.TryParse(Value(args, i), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"Option {args[i - 1]} needs a positive whole number.");
}
