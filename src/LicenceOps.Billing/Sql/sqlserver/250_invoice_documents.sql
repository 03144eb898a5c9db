-- An issued document's PDF, rendered once when it is issued and served as stored: an issued invoice never changes,
-- so neither do its bytes (their SHA-256 is the HTTP ETag). Written after the issuing transaction commits, so the
-- legal number never waits for rendering; a document missing here is rendered on first download.
CREATE TABLE invoice_documents (
    invoice_id    UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_invoice_documents PRIMARY KEY
                  CONSTRAINT fk_invoice_documents_invoice REFERENCES invoices (id),
    content_type  NVARCHAR(100) NOT NULL,
    sha256        NVARCHAR(64) NOT NULL,
    byte_length   INT NOT NULL,
    content       VARBINARY(MAX) NOT NULL,
    rendered_at   DATETIMEOFFSET NOT NULL
);
