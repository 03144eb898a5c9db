using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LicenceOps.Platform.Messaging;

/// <summary>How outbox rows name and serialise their message: "Full.Type.Name, Assembly" and web JSON.</summary>
internal static class MessageTypeNames
{
    private static readonly ConcurrentDictionary<string, Type> Resolved = new();
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Kept per type: <c>Assembly.GetName()</c> builds a new <c>AssemblyName</c> on every call, and a first reconciliation or an
    /// invoice run publishes thousands of messages of a handful of types.
    /// </summary>
    public static string Of(Type type) => Names.GetOrAdd(type, static t => $"{t.FullName}, {t.Assembly.GetName().Name}");

    public static Type Resolve(string name) =>
        Resolved.GetOrAdd(name, static n => Type.GetType(n, throwOnError: true)!);
}
