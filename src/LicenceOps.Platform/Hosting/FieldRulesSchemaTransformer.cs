using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using LicenceOps.Platform.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LicenceOps.Platform.Hosting;

/// <summary>
/// Shows the declared field rules in the OpenAPI document (maximum lengths, allowed characters, allowed values, date ranges), and keeps
/// "required" for what can never be null: a field a caller may leave out or send as null is not also required.
/// </summary>
internal sealed class FieldRulesSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.AttributeProvider is ICustomAttributeProvider attributes)
        {
            foreach (var text in attributes.GetCustomAttributes(typeof(TextAttribute), true).Cast<TextAttribute>())
            {
                schema.MaxLength = text.Length;
                schema.Description = Append(schema.Description, text.Multiline
                    ? "No control characters other than line breaks and tabs; no bidirectional controls."
                    : "One line: no control characters and no bidirectional controls.");
            }

            foreach (var oneOf in attributes.GetCustomAttributes(typeof(OneOfAttribute), true).Cast<OneOfAttribute>())
            {
                schema.Enum = oneOf.Values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)).ToList();
            }

            if (attributes.IsDefined(typeof(BusinessDateAttribute), true))
            {
                schema.Description = Append(schema.Description, string.Create(CultureInfo.InvariantCulture,
                    $"Between {BusinessDateAttribute.Earliest:yyyy-MM-dd} and {BusinessDateAttribute.Latest:yyyy-MM-dd}."));
            }
        }

        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties)
            {
                var nullable = property.IsGetNullable || Nullable.GetUnderlyingType(property.PropertyType) is not null;
                if (nullable && !property.IsRequired)
                {
                    required.Remove(property.Name);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static string Append(string? description, string sentence) =>
        string.IsNullOrEmpty(description) ? sentence : $"{description} {sentence}";
}
