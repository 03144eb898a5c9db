-- Prices carry their unit and the billing frequency of the commitment. Every seeded vendor price is "per user per
-- month" (annual plans included: "per user per month, billed annually"), and the reseller bills monthly unless a
-- plan says otherwise, so the defaults state the seeded data exactly; staff change them through the catalogue API.
ALTER TABLE catalogue_plans ADD price_unit NVARCHAR(20) NOT NULL CONSTRAINT df_catalogue_plans_price_unit DEFAULT 'per_seat_month';
ALTER TABLE catalogue_plans ADD billing_frequency NVARCHAR(20) NOT NULL CONSTRAINT df_catalogue_plans_billing_frequency DEFAULT 'monthly';
GO
UPDATE catalogue_plans SET price_note = N'Per user per month, billed annually by the vendor.'
WHERE billing_cycle = 'annual' AND price_note IS NULL;
