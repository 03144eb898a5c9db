-- Embedded mode: a row handed to the in-memory transport is only "published"; it becomes dispatched once every
-- consumer has committed its inbox row. publish_epoch names the process that published it, so a restarted host
-- knows which rows were lost with the previous process's memory.
ALTER TABLE outbox_messages ADD published_at DATETIMEOFFSET NULL, publish_epoch UNIQUEIDENTIFIER NULL;
GO
-- Retention jobs delete by age.
CREATE INDEX ix_outbox_created ON outbox_messages (created_at);
CREATE INDEX ix_inbox_processed ON inbox_messages (processed_at);
