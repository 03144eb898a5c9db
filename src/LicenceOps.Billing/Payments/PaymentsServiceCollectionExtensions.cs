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
    /// Registers the Stripe collector and what the webhook needs. The Stripe client is built on first
    /// use, so a host without Stripe keys starts fine and fails only when a payment is requested.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StripeOptions>(configuration.GetSection(StripeOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IStripeClient>(sp => StripeClientFactory.Create(sp.GetRequiredService<IOptions<StripeOptions>>()));
        services.AddSingleton<IStripeRecords>(sp => new SqlStripeRecords(sp.GetRequiredService<ModuleDatabase<BillingModule>>()));
        services.AddSingleton<IPaymentCollector, StripePaymentCollector>();
        return services;
    }
}
