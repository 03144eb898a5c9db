-- Public per-user per-month list prices excl. VAT, as read on 2025-09-01 (see CatalogueSeed.cs).
INSERT INTO catalogue_plans (code, vendor_code, vendor_name, product_name, plan_name, list_price, price_currency,
    list_price_includes_vat, billing_cycle, seats_reducible_before_renewal, vendor_has_admin_api,
    offboarding_data_rule, price_read_on, price_note)
VALUES
    (N'chatgpt-business-annual', N'openai', N'OpenAI', N'ChatGPT', N'ChatGPT Business (annual)', 25, N'USD', 0, N'annual', 0, 0, N'transfer_to_workspace_owner', '2025-09-01', NULL),
    (N'chatgpt-business-monthly', N'openai', N'OpenAI', N'ChatGPT', N'ChatGPT Business (monthly)', 30, N'USD', 0, N'monthly', 1, 0, N'transfer_to_workspace_owner', '2025-09-01', NULL),
    (N'chatgpt-enterprise', N'openai', N'OpenAI', N'ChatGPT', N'ChatGPT Enterprise', 60, N'USD', 0, N'annual', 0, 1, N'transfer_to_workspace_owner', '2025-09-01', N'Quote-based; commonly reported figure, not a published price.'),
    (N'claude-team-standard-annual', N'anthropic', N'Anthropic', N'Claude', N'Claude Team standard seat (annual)', 25, N'USD', 0, N'annual', 0, 0, N'export_before_removal', '2025-09-01', NULL),
    (N'claude-team-standard-monthly', N'anthropic', N'Anthropic', N'Claude', N'Claude Team standard seat (monthly)', 30, N'USD', 0, N'monthly', 1, 0, N'export_before_removal', '2025-09-01', NULL),
    (N'claude-team-premium', N'anthropic', N'Anthropic', N'Claude', N'Claude Team premium seat', 150, N'USD', 0, N'monthly', 1, 0, N'export_before_removal', '2025-09-01', NULL),
    (N'claude-enterprise', N'anthropic', N'Anthropic', N'Claude', N'Claude Enterprise', 60, N'USD', 0, N'annual', 0, 1, N'export_before_removal', '2025-09-01', N'Quote-based; commonly reported figure, not a published price.'),
    (N'm365-copilot-annual', N'microsoft', N'Microsoft', N'Microsoft 365 Copilot', N'Microsoft 365 Copilot (annual commitment)', 30, N'USD', 0, N'annual', 0, 1, N'none', '2025-09-01', NULL),
    (N'gemini-business-annual', N'google', N'Google', N'Gemini for Google Workspace', N'Gemini Business (annual)', 20, N'USD', 0, N'annual', 0, 1, N'none', '2025-09-01', N'Google has since folded Gemini into Workspace editions; kept for existing add-on subscriptions.'),
    (N'gemini-enterprise-annual', N'google', N'Google', N'Gemini for Google Workspace', N'Gemini Enterprise (annual)', 30, N'USD', 0, N'annual', 0, 1, N'none', '2025-09-01', N'Google has since folded Gemini into Workspace editions; kept for existing add-on subscriptions.'),
    (N'perplexity-enterprise-pro', N'perplexity', N'Perplexity', N'Perplexity', N'Perplexity Enterprise Pro', 40, N'USD', 0, N'monthly', 1, 0, N'none', '2025-09-01', NULL),
    (N'midjourney-pro-monthly', N'midjourney', N'Midjourney', N'Midjourney', N'Midjourney Pro (monthly)', 60, N'USD', 0, N'monthly', 1, 0, N'none', '2025-09-01', NULL);
