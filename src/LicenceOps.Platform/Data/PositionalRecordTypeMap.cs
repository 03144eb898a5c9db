using System.Reflection;
using Dapper;

namespace LicenceOps.Platform.Data;

/// <summary>
/// Dapper only picks a constructor whose parameter types equal the column types, and SQLite returns TEXT and
/// INTEGER for Guid, DateTimeOffset, decimal and bool. This map also accepts a constructor whose parameter
/// names match the selected columns in order; the registered type handlers then convert each value.
/// </summary>
internal sealed class PositionalRecordTypeMap(Type type) : SqlMapper.ITypeMap
{
    private readonly DefaultTypeMap inner = new(type);

    public ConstructorInfo? FindConstructor(string[] names, Type[] types) =>
        inner.FindConstructor(names, types)
        ?? type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .FirstOrDefault(ctor => NamesMatch(ctor.GetParameters(), names));

    public ConstructorInfo? FindExplicitConstructor() => inner.FindExplicitConstructor();

    public SqlMapper.IMemberMap? GetConstructorParameter(ConstructorInfo constructor, string columnName) =>
        inner.GetConstructorParameter(constructor, columnName);

    public SqlMapper.IMemberMap? GetMember(string columnName) => inner.GetMember(columnName);

    private static bool NamesMatch(ParameterInfo[] parameters, string[] names) =>
        parameters.Length == names.Length
        && parameters.Select(p => p.Name).SequenceEqual(names.Select(n => n.Replace("_", string.Empty, StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
}
