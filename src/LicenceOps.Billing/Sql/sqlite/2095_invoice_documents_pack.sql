-- ADR 0099: an issued PDF of an embedded database is kept in the append-only file beside it
-- (billing.pdfpack) at pack_offset, byte_length bytes long, hashed by sha256; its content is then empty. NULL: the
-- bytes are in content, as every document stored before this migration.
ALTER TABLE invoice_documents ADD COLUMN pack_offset INTEGER NULL;
