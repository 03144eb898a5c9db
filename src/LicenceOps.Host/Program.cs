using LicenceOps.Billing;
using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;
using LicenceOps.Portal;
using LicenceOps.Seats;
using LicenceOps.Support;
using LicenceOps.Tenants;

var app = LicenceOpsApplication.Create(args, [new IdentityModule(), new TenantsModule(), new SeatsModule(), new BillingModule(), new SupportModule(), new PortalModule()]);
await app.RunAsync();

public partial class Program;
