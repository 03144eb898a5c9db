-- Public per-user per-month list prices excl. VAT, as read on 2025-09-01 (see CatalogueSeed.cs).
INSERT INTO catalogue_plans (code, vendor_code, vendor_name, product_name, plan_name, list_price, price_currency,
    list_price_includes_vat, billing_cycle, seats_reducible_before_renewal, vendor_has_admin_api,
    offboarding_data_rule, price_read_on, price_note)
VALUES
    ('chatgpt-business-annual', 'openai', 'OpenAI', 'ChatGPT', 'ChatGPT Business (annual)', '25', 'USD', 0, 'annual', 0, 0, 'transfer_to_workspace_owner', '2025-09-01', NULL),
    ('chatgpt-business-monthly', 'openai', 'OpenAI', 'ChatGPT', 'ChatGPT Business (monthly)', '30', 'USD', 0, 'monthly', 1, 0, 'transfer_to_workspace_owner', '2025-09-01', NULL),
    ('chatgpt-enterprise', 'openai', 'OpenAI', 'ChatGPT', 'ChatGPT Enterprise', '60', 'USD', 0, 'annual', 0, 1, 'transfer_to_workspace_owner', '2025-09-01', 'Quote-based; commonly reported figure, not a published price.'),
    ('claude-team-standard-annual', 'anthropic', 'Anthropic', 'Claude', 'Claude Team standard seat (annual)', '25', 'USD', 0, 'annual', 0, 0, 'export_before_removal', '2025-09-01', NULL),
    ('claude-team-standard-monthly', 'anthropic', 'Anthropic', 'Claude', 'Claude Team standard seat (monthly)', '30', 'USD', 0, 'monthly', 1, 0, 'export_before_removal', '2025-09-01', NULL),
    ('claude-team-premium', 'anthropic', 'Anthropic', 'Claude', 'Claude Team premium seat', '150', 'USD', 0, 'monthly', 1, 0, 'export_before_removal', '2025-09-01', NULL),
    ('claude-enterprise', 'anthropic', 'Anthropic', 'Claude', 'Claude Enterprise', '60', 'USD', 0, 'annual', 0, 1, 'export_before_removal', '2025-09-01', 'Quote-based; commonly reported figure, not a published price.'),
    ('m365-copilot-annual', 'microsoft', 'Microsoft', 'Microsoft 365 Copilot', 'Microsoft 365 Copilot (annual commitment)', '30', 'USD', 0, 'annual', 0, 1, 'none', '2025-09-01', NULL),
    ('gemini-business-annual', 'google', 'Google', 'Gemini for Google Workspace', 'Gemini Business (annual)', '20', 'USD', 0, 'annual', 0, 1, 'none', '2025-09-01', 'Google has since folded Gemini into Workspace editions; kept for existing add-on subscriptions.'),
    ('gemini-enterprise-annual', 'google', 'Google', 'Gemini for Google Workspace', 'Gemini Enterprise (annual)', '30', 'USD', 0, 'annual', 0, 1, 'none', '2025-09-01', 'Google has since folded Gemini into Workspace editions; kept for existing add-on subscriptions.'),
    ('perplexity-enterprise-pro', 'perplexity', 'Perplexity', 'Perplexity', 'Perplexity Enterprise Pro', '40', 'USD', 0, 'monthly', 1, 0, 'none', '2025-09-01', NULL),
    ('midjourney-pro-monthly', 'midjourney', 'Midjourney', 'Midjourney', 'Midjourney Pro (monthly)', '60', 'USD', 0, 'monthly', 1, 0, 'none', '2025-09-01', NULL);
