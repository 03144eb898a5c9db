namespace LicenceOps.Seats.Shared;

/// <summary>A subscription joined with its catalogue plan: everything needed to decide and to publish.</summary>
internal sealed class SubscriptionRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string PlanCode { get; set; } = "";
    public string VendorAccountId { get; set; } = "";
    public int CommittedQuantity { get; set; }
    public int OccupiedSeats { get; set; }
    public DateOnly TermStart { get; set; }
    public DateOnly RenewalDate { get; set; }
    public decimal? SalePricePerSeatEur { get; set; }
    public string AutoIncreasePolicy { get; set; } = "";
    public string VendorCode { get; set; } = "";
    public string VendorName { get; set; } = "";
    public string PlanName { get; set; } = "";
    public decimal ListPrice { get; set; }
    public string PriceCurrency { get; set; } = "";
    public bool ListPriceIncludesVat { get; set; }
    public string BillingCycle { get; set; } = "";
    public string PriceUnit { get; set; } = "";
    public string BillingFrequency { get; set; } = "";
    public bool SeatsReducibleBeforeRenewal { get; set; }
    public string OffboardingDataRule { get; set; } = "";

    public const string SelectSql = """
        SELECT s.id AS Id, s.tenant_id AS TenantId, s.plan_code AS PlanCode, s.vendor_account_id AS VendorAccountId,
               s.committed_quantity AS CommittedQuantity, s.occupied_seats AS OccupiedSeats, s.term_start AS TermStart,
               s.renewal_date AS RenewalDate, s.sale_price_per_seat_eur AS SalePricePerSeatEur,
               s.auto_increase_policy AS AutoIncreasePolicy, p.vendor_code AS VendorCode, p.vendor_name AS VendorName,
               p.plan_name AS PlanName, p.list_price AS ListPrice, p.price_currency AS PriceCurrency,
               p.list_price_includes_vat AS ListPriceIncludesVat, p.billing_cycle AS BillingCycle,
               p.price_unit AS PriceUnit, p.billing_frequency AS BillingFrequency,
               p.seats_reducible_before_renewal AS SeatsReducibleBeforeRenewal, p.offboarding_data_rule AS OffboardingDataRule
        FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code
        """;
}

internal sealed class SeatRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid PersonId { get; set; }
    public string Status { get; set; } = "";
    public DateOnly AssignedOn { get; set; }
    public DateOnly? ReleasedOn { get; set; }
    public string PlanCode { get; set; } = "";

    public const string SelectSql = """
        SELECT st.id AS Id, st.tenant_id AS TenantId, st.subscription_id AS SubscriptionId, st.person_id AS PersonId,
               st.status AS Status, st.assigned_on AS AssignedOn, st.released_on AS ReleasedOn, sb.plan_code AS PlanCode
        FROM seats st JOIN subscriptions sb ON sb.id = st.subscription_id
        """;
}

internal sealed class PersonRow
{
    public Guid PersonId { get; set; }
    public Guid TenantId { get; set; }
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public Guid? DepartmentId { get; set; }
    public string Status { get; set; } = "";
    public DateOnly? EndDate { get; set; }

    public const string SelectSql = """
        SELECT person_id AS PersonId, tenant_id AS TenantId, email AS Email, display_name AS DisplayName,
               department_id AS DepartmentId, status AS Status, end_date AS EndDate
        FROM people
        """;
}
