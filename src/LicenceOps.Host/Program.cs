using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;
using LicenceOps.Seats;

var app = LicenceOpsApplication.Create(args, [new IdentityModule(), new SeatsModule()]);
await app.RunAsync();

public partial class Program;
