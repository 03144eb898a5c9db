using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceOps.Billing.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>Registers the PDF renderer; it holds no state, so one instance serves every request.</summary>
    public static IServiceCollection AddBillingDocuments(this IServiceCollection services)
    {
        // TryAdd: a host that registered its own renderer before the modules (the invoice bench's, which times each call
        // around this one) keeps it, as a host's own clock is kept (LicenceOpsApplication).
        services.TryAddSingleton<IDocumentRenderer, SkiaInvoiceRenderer>();
        return services;
    }
}
