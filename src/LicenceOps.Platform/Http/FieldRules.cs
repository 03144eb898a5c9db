using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.Platform.Http;

/// <summary>
/// A text field of a request body: at most <see cref="MaxLengthAttribute.Length"/> characters (shown as maxLength in
/// the OpenAPI document), no control characters (line breaks and tabs only when <see cref="Multiline"/>), and no
/// bidirectional-override characters, which make a name print differently from what it is.
/// Declared once on the request property; <see cref="FieldRules"/> enforces it for every endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TextAttribute(int maxLength) : MaxLengthAttribute(maxLength)
{
    /// <summary>Free text (notes, reasons) may hold line breaks and tabs.</summary>
    public bool Multiline { get; init; }
}

/// <summary>
/// A text field whose value is one of a closed list (a role, a status, a policy code). Listed as the field's enum in
/// the OpenAPI document; the handler owns the check and its message, since some lists depend on the current state.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class OneOfAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>A calendar date of a request body between <see cref="Earliest"/> and <see cref="Latest"/> (business dates, not 0001 or 9999).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class BusinessDateAttribute : Attribute
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);
    public static readonly DateOnly Latest = new(2100, 12, 31);
}

/// <summary>Checks <see cref="TextAttribute"/> and <see cref="BusinessDateAttribute"/> on every request body, nested records and lists included.</summary>
public static class FieldRules
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Rule>> Rules = new();

    private sealed record Rule(PropertyInfo Property, string JsonName, TextAttribute? Text, bool BusinessDate, Type? Nested);

    /// <summary>Adds the rule violations of <paramref name="body"/> to <paramref name="errors"/>, named by JSON path.</summary>
    public static void Check(object? body, ValidationErrors errors, string prefix = "")
    {
        if (body is null)
        {
            return;
        }

        foreach (var rule in RulesOf(body.GetType()))
        {
            var value = rule.Property.GetValue(body);
            var field = prefix + rule.JsonName;
            if (rule.Text is { } text && value is string s && Problem(s, text) is { } problem)
            {
                errors.Add(field, $"{field} {problem}");
            }
            else if (rule.BusinessDate && value is DateOnly date && (date < BusinessDateAttribute.Earliest || date > BusinessDateAttribute.Latest))
            {
                errors.Add(field, string.Create(CultureInfo.InvariantCulture,
                    $"{field} must be between {BusinessDateAttribute.Earliest:yyyy-MM-dd} and {BusinessDateAttribute.Latest:yyyy-MM-dd}."));
            }
            else if (rule.Nested is not null && value is IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (item is string element && rule.Text is { } elementText && Problem(element, elementText) is { } elementProblem)
                    {
                        errors.Add($"{field}[{index}]", $"{field}[{index}] {elementProblem}");
                    }
                    else if (item is not string)
                    {
                        Check(item, errors, $"{field}[{index}].");
                    }

                    index++;
                }
            }
            else if (rule.Nested is not null && value is not null)
            {
                Check(value, errors, field + ".");
            }
        }
    }

    /// <returns>What is wrong with <paramref name="value"/> under <paramref name="rule"/>, or null.</returns>
    public static string? Problem(string value, TextAttribute rule)
    {
        if (value.Length > rule.Length)
        {
            return $"must have at most {rule.Length} characters.";
        }

        foreach (var c in value)
        {
            if (IsBidiControl(c))
            {
                return "must not contain bidirectional control characters.";
            }

            if (char.IsControl(c) && !(rule.Multiline && c is '\n' or '\r' or '\t'))
            {
                return rule.Multiline ? "must not contain control characters other than line breaks and tabs." : "must not contain control characters or line breaks.";
            }
        }

        return null;
    }

    /// <summary>Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the invisible marks U+200E, U+200F, U+061C.</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    private static IReadOnlyList<Rule> RulesOf(Type type) => Rules.GetOrAdd(type, static t =>
    {
        if (t.IsPrimitive || t == typeof(string) || t.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            return [];
        }

        return t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p =>
            {
                var text = p.GetCustomAttribute<TextAttribute>();
                var date = p.GetCustomAttribute<BusinessDateAttribute>() is not null;
                var elementType = p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
                    ? p.PropertyType.IsArray ? p.PropertyType.GetElementType() : p.PropertyType.GetGenericArguments().FirstOrDefault()
                    : null;
                var candidate = elementType ?? p.PropertyType;
                var nested = IsRequestRecord(candidate) && RulesOf(candidate).Count > 0 || elementType == typeof(string) ? candidate : null;
                return new Rule(p, JsonNamingPolicy.CamelCase.ConvertName(p.Name), text, date, nested);
            })
            .Where(r => r.Text is not null || r.BusinessDate || r.Nested is not null)
            .ToList();
    });

    private static bool IsRequestRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("LicenceOps", StringComparison.Ordinal) == true;

    /// <summary>Endpoint filter: a body breaking a declared field rule is a 400 validation problem before the handler runs.</summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        // Request bodies are our records; the other parameters are services (classes) and route values.
        var bodies = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => IsRequestRecord(p.parameter.ParameterType)
                && p.parameter.ParameterType.GetMethod("<Clone>$") is not null
                && RulesOf(p.parameter.ParameterType).Count > 0)
            .Select(p => p.index)
            .ToArray();
        if (bodies.Length == 0)
        {
            return next;
        }

        return async invocation =>
        {
            var errors = new ValidationErrors();
            foreach (var index in bodies)
            {
                Check(invocation.Arguments[index], errors);
            }

            return errors.Any ? errors.ToProblem() : await next(invocation);
        };
    }
}
