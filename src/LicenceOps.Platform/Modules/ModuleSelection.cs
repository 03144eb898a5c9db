using Microsoft.Extensions.Configuration;

namespace LicenceOps.Platform.Modules;

/// <summary>Reads the <c>Modules</c> setting ("all" or a comma list of module names) against the available modules.</summary>
public static class ModuleSelection
{
    public static IReadOnlyList<IModule> Select(IConfiguration configuration, IReadOnlyList<IModule> available)
    {
        var setting = configuration["Modules"];
        if (string.IsNullOrWhiteSpace(setting) || setting.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return available;
        }

        var names = setting.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !available.Any(m => m.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown module(s) in 'Modules': {string.Join(", ", unknown)}. Available: {string.Join(", ", available.Select(m => m.Name))}.");
        }

        return available.Where(m => names.Contains(m.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }
}
