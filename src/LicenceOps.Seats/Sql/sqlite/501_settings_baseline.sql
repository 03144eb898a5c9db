-- The security settings baseline (issue 11): per vendor product, what staff expect to find. Staff add more through
-- POST /api/setting-baselines; a setting differing from its baseline, or unverified for 30 days, is a finding.
INSERT INTO setting_baselines (id, vendor_code, setting_key, label, expected_value, created_at, created_by) VALUES
('CEB3F9B0-4870-575C-A6CA-DAF759D0B926', 'openai', 'training_on_company_data', 'Model training on company data', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('EB5FFE8B-F36E-5924-AF20-9D5E588F21A1', 'openai', 'data_retention', 'Data retention', 'company policy', '2026-11-28T00:00:00.0000000Z', 'system'),
('2A26D9A9-E909-52D7-9C77-9D904D7F05E0', 'openai', 'workspace_discovery', 'Workspace discovery (anyone with the company domain can join)', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('AC138E60-8E21-5B69-8FD1-A235A5B838E9', 'openai', 'allowed_connectors', 'Connectors allowed (Box, Outlook, Dropbox...)', 'approved list only', '2026-11-28T00:00:00.0000000Z', 'system'),
('36D615A7-7F54-5482-B16F-88C8F42F7C10', 'openai', 'custom_gpt_sharing', 'Custom GPT sharing scope', 'workspace only', '2026-11-28T00:00:00.0000000Z', 'system'),
('C624DA04-A322-5030-B1F2-5A66111E2E5C', 'anthropic', 'training_on_company_data', 'Model training on company data', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('21E41572-B93D-5A59-A96B-09562DB3A3EF', 'anthropic', 'data_retention', 'Data retention', 'company policy', '2026-11-28T00:00:00.0000000Z', 'system'),
('271A9C05-73A1-558A-9930-7C7E17B306FE', 'anthropic', 'allowed_connectors', 'Connectors and integrations allowed', 'approved list only', '2026-11-28T00:00:00.0000000Z', 'system'),
('7931F72A-A7B0-5294-8B6E-0FCE96F1CECA', 'anthropic', 'workspace_discovery', 'Domain capture / workspace discovery', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('28CC5840-713D-51D1-B173-146BA2A2408B', 'microsoft', 'training_on_company_data', 'Model training on company data', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('9B0E6FB0-3A65-5265-9C65-17FD3117FF86', 'microsoft', 'data_retention', 'Data retention', 'company policy', '2026-11-28T00:00:00.0000000Z', 'system'),
('E9060515-FEED-5663-978F-6D5CE37A413C', 'microsoft', 'allowed_connectors', 'Copilot plugins and web grounding', 'approved list only', '2026-11-28T00:00:00.0000000Z', 'system'),
('28122F08-471A-5A84-B880-CDB5EAF8FE82', 'google', 'training_on_company_data', 'Model training on company data', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('46AE7414-CA02-5BCA-9BF5-AFA9A79882C0', 'google', 'data_retention', 'Data retention', 'company policy', '2026-11-28T00:00:00.0000000Z', 'system'),
('B802AF76-A0F7-5B59-9510-62E198789DB0', 'google', 'allowed_connectors', 'Gemini extensions allowed', 'approved list only', '2026-11-28T00:00:00.0000000Z', 'system'),
('99B33D5E-72E2-5E93-9283-134BEF361AAE', 'perplexity', 'training_on_company_data', 'Model training on company data', 'off', '2026-11-28T00:00:00.0000000Z', 'system'),
('7E91ABD4-F5E4-5ED8-BB3D-A4EB1373F1FA', 'perplexity', 'data_retention', 'Data retention', 'company policy', '2026-11-28T00:00:00.0000000Z', 'system'),
('F6937347-599B-5933-ADC2-5D80DEA4D91E', 'perplexity', 'allowed_connectors', 'File and app connectors allowed', 'approved list only', '2026-11-28T00:00:00.0000000Z', 'system'),
('CCCC28C0-4154-52B6-A253-8BD60EA80186', 'midjourney', 'stealth_mode', 'Stealth mode (images not public)', 'on', '2026-11-28T00:00:00.0000000Z', 'system');
