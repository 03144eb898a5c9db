using LicenceOps.Platform.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.UnitTests.Platform;

public sealed class ModuleSelectionTests
{
    private static readonly IReadOnlyList<IModule> Available = [new Named("Identity"), new Named("Tenants"), new Named("Billing")];

    [TestCase(null)]
    [TestCase("")]
    [TestCase("all")]
    [TestCase("ALL")]
    public void Default_runs_every_module(string? setting) =>
        Assert.That(Select(setting).Select(m => m.Name), Is.EqualTo(new[] { "Identity", "Tenants", "Billing" }));

    [Test]
    public void A_list_runs_only_the_named_modules_case_insensitively() =>
        Assert.That(Select("billing, Identity").Select(m => m.Name), Is.EqualTo(new[] { "Identity", "Billing" }));

    [Test]
    public void An_unknown_module_stops_the_start_with_the_available_names()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Select("Tenants,Payroll"));
        Assert.That(error!.Message, Does.Contain("Payroll").And.Contain("Identity, Tenants, Billing"));
    }

    private static IReadOnlyList<IModule> Select(string? setting) =>
        ModuleSelection.Select(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Modules"] = setting }).Build(),
            Available);

    private sealed class Named(string name) : IModule
    {
        public string Name => name;

        public void AddServices(IServiceCollection services, IConfiguration configuration)
        {
        }

        public void MapEndpoints(IEndpointRouteBuilder endpoints)
        {
        }
    }
}
