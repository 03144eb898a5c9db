using System.Xml.Linq;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>Modules talk only through Contracts; a reference to another module would let them call each other in-process.</summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Allowed = ["LicenceOps.Contracts", "LicenceOps.Platform"];
    private static readonly string[] Foundation = ["LicenceOps.Contracts", "LicenceOps.Platform", "LicenceOps.Host"];

    private static IEnumerable<string> ModuleProjects() =>
        Directory.EnumerateDirectories(Path.Combine(RepositoryPaths.Root, "src"))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !Foundation.Contains(name))
            .Order(StringComparer.Ordinal);

    [Test]
    public void There_are_modules_to_check() => Assert.That(ModuleProjects(), Is.Not.Empty);

    [TestCaseSource(nameof(ModuleProjects))]
    public void Module_project_references_only_contracts_and_platform(string module)
    {
        var project = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", module, $"{module}.csproj"));
        var references = project.Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

        Assert.That(references, Is.SubsetOf(Allowed), $"{module} may reference only {string.Join(" and ", Allowed)}");
    }

    [TestCaseSource(nameof(ModuleProjects))]
    public void Module_assembly_depends_on_no_other_module(string module)
    {
        var assembly = AppDomain.CurrentDomain.Load(module);
        var others = ModuleProjects().Where(other => other != module).ToHashSet();

        Assert.That(assembly.GetReferencedAssemblies().Select(a => a.Name), Has.None.AnyOf(others.ToArray()));
    }

    [Test]
    public void Contracts_depend_on_nothing_of_ours()
    {
        var contracts = AppDomain.CurrentDomain.Load("LicenceOps.Contracts");
        Assert.That(contracts.GetReferencedAssemblies().Select(a => a.Name), Has.None.StartsWith("LicenceOps."));
    }
}
