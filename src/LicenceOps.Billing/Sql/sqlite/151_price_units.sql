-- What a subscription's prices buy and how the client pays (SubscriptionQuantityChanged.PriceUnit/BillingFrequency).
-- Every vendor price received so far was per seat per month, billed monthly: the defaults say exactly that.
ALTER TABLE subscription_terms ADD COLUMN price_unit TEXT NOT NULL DEFAULT 'per_seat_month';
ALTER TABLE subscription_terms ADD COLUMN billing_frequency TEXT NOT NULL DEFAULT 'monthly';
