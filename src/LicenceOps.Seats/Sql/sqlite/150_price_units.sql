-- Prices carry their unit and the billing frequency of the commitment. Every seeded vendor price is "per user per
-- month" (annual plans included: "per user per month, billed annually"), and the reseller bills monthly unless a
-- plan says otherwise, so the defaults state the seeded data exactly; staff change them through the catalogue API.
ALTER TABLE catalogue_plans ADD COLUMN price_unit TEXT NOT NULL DEFAULT 'per_seat_month';
ALTER TABLE catalogue_plans ADD COLUMN billing_frequency TEXT NOT NULL DEFAULT 'monthly';
UPDATE catalogue_plans SET price_note = 'Per user per month, billed annually by the vendor.'
WHERE billing_cycle = 'annual' AND price_note IS NULL;
