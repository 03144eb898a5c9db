-- The factur-x.xml of an issued document, stored beside its PDF (the very bytes embedded in it) with its own SHA-256
-- as the download's ETag, so the XML download reads a small column instead of re-extracting it from the PDF on every
-- request. Documents stored before this column get theirs on their first XML download.
ALTER TABLE invoice_documents ADD COLUMN facturx_xml BLOB NULL;
ALTER TABLE invoice_documents ADD COLUMN facturx_sha256 TEXT NULL;
