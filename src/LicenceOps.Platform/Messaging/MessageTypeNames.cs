using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LicenceOps.Platform.Messaging;

/// <summary>How outbox rows name and serialise their message: "Full.Type.Name, Assembly" and web JSON.</summary>
internal static class MessageTypeNames
{
    private static readonly ConcurrentDictionary<string, Type> Resolved = new();

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Of(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type Resolve(string name) =>
        Resolved.GetOrAdd(name, static n => Type.GetType(n, throwOnError: true)!);
}
