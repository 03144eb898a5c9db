-- An issued document's PDF, rendered once when it is issued and served as stored: an issued invoice never changes,
-- so neither do its bytes (their SHA-256 is the HTTP ETag). Written after the issuing transaction commits, so the
-- legal number never waits for rendering; a document missing here is rendered on first download.
CREATE TABLE invoice_documents (
    invoice_id    TEXT NOT NULL PRIMARY KEY REFERENCES invoices (id),
    content_type  TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    byte_length   INTEGER NOT NULL,
    content       BLOB NOT NULL,
    rendered_at   TEXT NOT NULL
);
