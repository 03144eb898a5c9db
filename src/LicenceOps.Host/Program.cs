using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;

var app = LicenceOpsApplication.Create(args, [new IdentityModule(), new LicenceOps.Billing.BillingModule()]);
await app.RunAsync();

public partial class Program;
