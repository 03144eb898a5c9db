using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LicenceOps.Platform.Http.Paging;

/// <summary>
/// Documents <c>limit</c> and <c>cursor</c> on every paged list (their binding is custom, so the generator cannot see
/// them), with the configured default and maximum.
/// </summary>
internal sealed class PagingOpenApiTransformer(PagingOptions options) : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<PagedEndpointMetadata>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = PageRequest.LimitParameter,
            In = ParameterLocation.Query,
            Description = $"Items per page, 1 to {options.MaxLimit} (default {options.DefaultLimit}); out of range is a 400.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Format = "int32",
                Minimum = "1",
                Maximum = options.MaxLimit.ToString(CultureInfo.InvariantCulture),
                Default = JsonValue.Create(options.DefaultLimit),
            },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = PageRequest.CursorParameter,
            In = ParameterLocation.Query,
            Description = "Opaque: the nextCursor of the previous page; omit for the first page. Rows added meanwhile never repeat or skip rows not yet read.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "")
            + $"Paged by a keyset cursor: {options.DefaultLimit} items per page unless limit says otherwise (at most {options.MaxLimit}); "
            + "follow nextCursor until it is null. total (the whole list's size) is given on the first page when the list holds at most "
            + $"{Keyset<object>.MaxCountedTotal} items, and is null otherwise.";
        return Task.CompletedTask;
    }
}
