using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;
using LicenceOps.Tenants;

var app = LicenceOpsApplication.Create(args, [new IdentityModule(), new TenantsModule()]);
await app.RunAsync();

public partial class Program;
