-- The security settings baseline (issue 11): per vendor product, what staff expect to find. Staff add more through
-- POST /api/setting-baselines; a setting differing from its baseline, or unverified for 30 days, is a finding.
INSERT INTO setting_baselines (id, vendor_code, setting_key, label, expected_value, created_at, created_by) VALUES
('CEB3F9B0-4870-575C-A6CA-DAF759D0B926', N'openai', N'training_on_company_data', N'Model training on company data', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('EB5FFE8B-F36E-5924-AF20-9D5E588F21A1', N'openai', N'data_retention', N'Data retention', N'company policy', '2026-11-28T00:00:00+00:00', N'system'),
('2A26D9A9-E909-52D7-9C77-9D904D7F05E0', N'openai', N'workspace_discovery', N'Workspace discovery (anyone with the company domain can join)', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('AC138E60-8E21-5B69-8FD1-A235A5B838E9', N'openai', N'allowed_connectors', N'Connectors allowed (Box, Outlook, Dropbox...)', N'approved list only', '2026-11-28T00:00:00+00:00', N'system'),
('36D615A7-7F54-5482-B16F-88C8F42F7C10', N'openai', N'custom_gpt_sharing', N'Custom GPT sharing scope', N'workspace only', '2026-11-28T00:00:00+00:00', N'system'),
('C624DA04-A322-5030-B1F2-5A66111E2E5C', N'anthropic', N'training_on_company_data', N'Model training on company data', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('21E41572-B93D-5A59-A96B-09562DB3A3EF', N'anthropic', N'data_retention', N'Data retention', N'company policy', '2026-11-28T00:00:00+00:00', N'system'),
('271A9C05-73A1-558A-9930-7C7E17B306FE', N'anthropic', N'allowed_connectors', N'Connectors and integrations allowed', N'approved list only', '2026-11-28T00:00:00+00:00', N'system'),
('7931F72A-A7B0-5294-8B6E-0FCE96F1CECA', N'anthropic', N'workspace_discovery', N'Domain capture / workspace discovery', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('28CC5840-713D-51D1-B173-146BA2A2408B', N'microsoft', N'training_on_company_data', N'Model training on company data', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('9B0E6FB0-3A65-5265-9C65-17FD3117FF86', N'microsoft', N'data_retention', N'Data retention', N'company policy', '2026-11-28T00:00:00+00:00', N'system'),
('E9060515-FEED-5663-978F-6D5CE37A413C', N'microsoft', N'allowed_connectors', N'Copilot plugins and web grounding', N'approved list only', '2026-11-28T00:00:00+00:00', N'system'),
('28122F08-471A-5A84-B880-CDB5EAF8FE82', N'google', N'training_on_company_data', N'Model training on company data', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('46AE7414-CA02-5BCA-9BF5-AFA9A79882C0', N'google', N'data_retention', N'Data retention', N'company policy', '2026-11-28T00:00:00+00:00', N'system'),
('B802AF76-A0F7-5B59-9510-62E198789DB0', N'google', N'allowed_connectors', N'Gemini extensions allowed', N'approved list only', '2026-11-28T00:00:00+00:00', N'system'),
('99B33D5E-72E2-5E93-9283-134BEF361AAE', N'perplexity', N'training_on_company_data', N'Model training on company data', N'off', '2026-11-28T00:00:00+00:00', N'system'),
('7E91ABD4-F5E4-5ED8-BB3D-A4EB1373F1FA', N'perplexity', N'data_retention', N'Data retention', N'company policy', '2026-11-28T00:00:00+00:00', N'system'),
('F6937347-599B-5933-ADC2-5D80DEA4D91E', N'perplexity', N'allowed_connectors', N'File and app connectors allowed', N'approved list only', '2026-11-28T00:00:00+00:00', N'system'),
('CCCC28C0-4154-52B6-A253-8BD60EA80186', N'midjourney', N'stealth_mode', N'Stealth mode (images not public)', N'on', '2026-11-28T00:00:00+00:00', N'system');
