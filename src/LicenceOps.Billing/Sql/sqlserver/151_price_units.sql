-- What a subscription's prices buy and how the client pays (SubscriptionQuantityChanged.PriceUnit/BillingFrequency).
-- Every vendor price received so far was per seat per month, billed monthly: the defaults say exactly that.
ALTER TABLE subscription_terms ADD price_unit NVARCHAR(20) NOT NULL CONSTRAINT df_subscription_terms_price_unit DEFAULT 'per_seat_month';
ALTER TABLE subscription_terms ADD billing_frequency NVARCHAR(20) NOT NULL CONSTRAINT df_subscription_terms_billing_frequency DEFAULT 'monthly';
