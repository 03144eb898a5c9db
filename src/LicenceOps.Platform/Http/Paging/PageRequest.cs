using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Http.Paging;

/// <summary>
/// The <c>limit</c> and <c>cursor</c> query parameters of a list endpoint. Taking this as a handler parameter is what
/// makes an endpoint a paged list: binding checks the limit against <see cref="PagingOptions"/> (out of range is a
/// 400, not a silent clamp, so a client never mistakes a short page for the end), and the endpoint is marked with
/// <see cref="PagedEndpointMetadata"/> so the OpenAPI document describes both parameters.
/// </summary>
public sealed class PageRequest : IEndpointParameterMetadataProvider
{
    public const string LimitParameter = "limit";
    public const string CursorParameter = "cursor";

    public PageRequest(int limit, string? cursor)
    {
        Limit = limit;
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
    }

    /// <summary>Rows per page asked for (the default when the query string has none).</summary>
    public int Limit { get; }

    /// <summary>The opaque position after the previous page's last row, or null for the first page.</summary>
    public string? Cursor { get; }

    public static ValueTask<PageRequest> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var options = context.RequestServices.GetRequiredService<PagingOptions>();
        var query = context.Request.Query;
        var limit = options.DefaultLimit;
        if (query.TryGetValue(LimitParameter, out var limitText) && !string.IsNullOrEmpty(limitText))
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > options.MaxLimit)
            {
                throw new BadHttpRequestException(
                    $"limit must be a whole number from 1 to {options.MaxLimit} (default {options.DefaultLimit}); '{limitText}' is not.");
            }
        }
        return ValueTask.FromResult(new PageRequest(limit, query[CursorParameter]));
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(PagedEndpointMetadata.Instance);
}

/// <summary>Marks an endpoint that answers one page of a list (it takes a <see cref="PageRequest"/>).</summary>
public sealed class PagedEndpointMetadata
{
    public static readonly PagedEndpointMetadata Instance = new();

    private PagedEndpointMetadata()
    {
    }
}
