-- A month whose regularisations exceed its charges issues credit notes against the invoices they correct instead of a
-- negative invoice. regularisation_of is the month whose run produced the credit note: later regularisations count it as
-- already credited, and a re-run of that month finds it (one per corrected invoice and month).
ALTER TABLE invoices ADD regularisation_of NVARCHAR(7) NULL;
GO
CREATE UNIQUE INDEX ux_invoices_regularisation ON invoices (credited_invoice_id, regularisation_of) WHERE regularisation_of IS NOT NULL;
