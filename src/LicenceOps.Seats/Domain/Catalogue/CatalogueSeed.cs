namespace LicenceOps.Seats.Domain.Catalogue;

/// <summary>
/// Public per-user per-month list prices, excluding VAT, as published by the vendors. The figures were read
/// on <see cref="PricesReadOn"/>; Enterprise tiers are quote-based, so their figure is the commonly reported
/// one and says so in its note. Staff correct them through the catalogue API.
/// </summary>
public static class CatalogueSeed
{
    public static readonly DateOnly PricesReadOn = new(2025, 9, 1);

    public static IReadOnlyList<CataloguePlan> Plans { get; } =
    [
        Plan("chatgpt-business-annual", "openai", "OpenAI", "ChatGPT", "ChatGPT Business (annual)",
            25m, BillingCycles.Annual, reducible: false, adminApi: false, OffboardingDataRules.TransferToWorkspaceOwner),
        Plan("chatgpt-business-monthly", "openai", "OpenAI", "ChatGPT", "ChatGPT Business (monthly)",
            30m, BillingCycles.Monthly, reducible: true, adminApi: false, OffboardingDataRules.TransferToWorkspaceOwner),
        Plan("chatgpt-enterprise", "openai", "OpenAI", "ChatGPT", "ChatGPT Enterprise",
            60m, BillingCycles.Annual, reducible: false, adminApi: true, OffboardingDataRules.TransferToWorkspaceOwner,
            "Quote-based; commonly reported figure, not a published price."),
        Plan("claude-team-standard-annual", "anthropic", "Anthropic", "Claude", "Claude Team standard seat (annual)",
            25m, BillingCycles.Annual, reducible: false, adminApi: false, OffboardingDataRules.ExportBeforeRemoval),
        Plan("claude-team-standard-monthly", "anthropic", "Anthropic", "Claude", "Claude Team standard seat (monthly)",
            30m, BillingCycles.Monthly, reducible: true, adminApi: false, OffboardingDataRules.ExportBeforeRemoval),
        Plan("claude-team-premium", "anthropic", "Anthropic", "Claude", "Claude Team premium seat",
            150m, BillingCycles.Monthly, reducible: true, adminApi: false, OffboardingDataRules.ExportBeforeRemoval),
        Plan("claude-enterprise", "anthropic", "Anthropic", "Claude", "Claude Enterprise",
            60m, BillingCycles.Annual, reducible: false, adminApi: true, OffboardingDataRules.ExportBeforeRemoval,
            "Quote-based; commonly reported figure, not a published price."),
        Plan("m365-copilot-annual", "microsoft", "Microsoft", "Microsoft 365 Copilot", "Microsoft 365 Copilot (annual commitment)",
            30m, BillingCycles.Annual, reducible: false, adminApi: true, OffboardingDataRules.None),
        Plan("gemini-business-annual", "google", "Google", "Gemini for Google Workspace", "Gemini Business (annual)",
            20m, BillingCycles.Annual, reducible: false, adminApi: true, OffboardingDataRules.None,
            "Google has since folded Gemini into Workspace editions; kept for existing add-on subscriptions."),
        Plan("gemini-enterprise-annual", "google", "Google", "Gemini for Google Workspace", "Gemini Enterprise (annual)",
            30m, BillingCycles.Annual, reducible: false, adminApi: true, OffboardingDataRules.None,
            "Google has since folded Gemini into Workspace editions; kept for existing add-on subscriptions."),
        Plan("perplexity-enterprise-pro", "perplexity", "Perplexity", "Perplexity", "Perplexity Enterprise Pro",
            40m, BillingCycles.Monthly, reducible: true, adminApi: false, OffboardingDataRules.None),
        Plan("midjourney-pro-monthly", "midjourney", "Midjourney", "Midjourney", "Midjourney Pro (monthly)",
            60m, BillingCycles.Monthly, reducible: true, adminApi: false, OffboardingDataRules.None),
    ];

    private static CataloguePlan Plan(
        string code, string vendorCode, string vendorName, string product, string name, decimal price,
        string cycle, bool reducible, bool adminApi, string offboardingRule, string? note = null) =>
        new(code, vendorCode, vendorName, product, name, price, PriceCurrencies.Usd, ListPriceIncludesVat: false,
            cycle, reducible, adminApi, offboardingRule, PricesReadOn, note);
}
