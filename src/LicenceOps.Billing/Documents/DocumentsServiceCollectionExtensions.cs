using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Billing.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>Registers the PDF renderer; it holds no state, so one instance serves every request.</summary>
    public static IServiceCollection AddBillingDocuments(this IServiceCollection services)
    {
        services.AddSingleton<IDocumentRenderer, SkiaInvoiceRenderer>();
        return services;
    }
}
