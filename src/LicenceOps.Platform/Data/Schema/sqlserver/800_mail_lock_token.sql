-- The claim of a mail row by one dispatcher: the "sent"/"failed" mark is conditional on still holding it, so a
-- dispatcher whose lock lapsed (slow SMTP) cannot record over the dispatcher that took the row over (issue 7).
ALTER TABLE mail_outbox ADD lock_token UNIQUEIDENTIFIER NULL;
