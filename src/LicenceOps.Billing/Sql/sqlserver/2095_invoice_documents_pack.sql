-- ADR 0099: only embedded SQLite keeps PDFs in a pack file; SQL Server keeps them in content, so its
-- pack_offset is always NULL. The column exists so that both dialects read documents with one statement.
ALTER TABLE invoice_documents ADD pack_offset BIGINT NULL;
