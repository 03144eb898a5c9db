-- The date of the demo's first start, so the demo's invoicing past (Demo/BillingDemoHistory.cs) is the same months
-- on every restart.
CREATE TABLE billing_demo_history (
    id           INTEGER NOT NULL PRIMARY KEY,
    first_start  TEXT NOT NULL
);
