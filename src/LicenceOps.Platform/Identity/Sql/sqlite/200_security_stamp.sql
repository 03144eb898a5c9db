-- Changes whenever a user's access changes (disabled, role, tenant, password); tokens carry it and die with it.
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
UPDATE users SET security_stamp = lower(hex(randomblob(16)));
