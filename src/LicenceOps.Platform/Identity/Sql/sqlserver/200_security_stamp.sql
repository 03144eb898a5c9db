-- Changes whenever a user's access changes (disabled, role, tenant, password); tokens carry it and die with it.
ALTER TABLE users ADD security_stamp NVARCHAR(64) NOT NULL CONSTRAINT df_users_security_stamp DEFAULT '';
GO
UPDATE users SET security_stamp = LOWER(REPLACE(CONVERT(NVARCHAR(36), NEWID()), '-', ''));
