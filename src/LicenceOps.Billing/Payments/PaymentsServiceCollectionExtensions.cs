using LicenceOps.Platform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stripe;

namespace LicenceOps.Billing.Payments;

public static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Stripe collector and what the webhook needs. A host without a Stripe secret key starts fine
    /// and gets a collector that reports itself unconfigured: the payment job logs that once and requests nothing.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StripeOptions>(configuration.GetSection(StripeOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IStripeClient>(sp => StripeClientFactory.Create(sp.GetRequiredService<IOptions<StripeOptions>>()));
        services.AddSingleton<IStripeRecords>(sp => new SqlStripeRecords(sp.GetRequiredService<ModuleDatabase<BillingModule>>()));
        services.AddSingleton<IPaymentCollector>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<StripeOptions>>().Value.SecretKey)
                ? new UnconfiguredPaymentCollector()
                : new StripePaymentCollector(sp.GetRequiredService<IStripeClient>(), sp.GetRequiredService<IStripeRecords>()));
        return services;
    }
}
