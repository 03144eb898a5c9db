using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;

var app = LicenceOpsApplication.Create(args, [new IdentityModule()]);
await app.RunAsync();

public partial class Program;
