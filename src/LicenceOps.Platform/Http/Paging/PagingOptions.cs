using Microsoft.Extensions.Configuration;

namespace LicenceOps.Platform.Http.Paging;

/// <summary>
/// Page sizes of every list endpoint (settings <c>Paging:DefaultLimit</c> and <c>Paging:MaxLimit</c>). One pair for
/// the whole API so clients learn it once; the maximum bounds the memory and CPU a single request can cost.
/// </summary>
public sealed class PagingOptions
{
    public const int DefaultDefaultLimit = 50;
    public const int DefaultMaxLimit = 200;

    public int DefaultLimit { get; init; } = DefaultDefaultLimit;

    public int MaxLimit { get; init; } = DefaultMaxLimit;

    public static PagingOptions From(IConfiguration configuration)
    {
        var options = new PagingOptions
        {
            DefaultLimit = configuration.GetValue("Paging:DefaultLimit", DefaultDefaultLimit),
            MaxLimit = configuration.GetValue("Paging:MaxLimit", DefaultMaxLimit),
        };
        if (options.DefaultLimit < 1 || options.MaxLimit < options.DefaultLimit)
        {
            throw new InvalidOperationException(
                $"Paging:DefaultLimit ({options.DefaultLimit}) must be at least 1 and at most Paging:MaxLimit ({options.MaxLimit}).");
        }
        return options;
    }
}
