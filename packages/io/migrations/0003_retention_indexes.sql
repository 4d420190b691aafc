-- Indexes for the retention rules (README, Retention): searches older than 90 days are deleted and feedback comments
-- older than 365 days are cleared as new rows arrive, touching only the expired rows. Additive.
CREATE INDEX IF NOT EXISTS searches_time ON searches(searched_at);
CREATE INDEX IF NOT EXISTS article_feedback_time ON article_feedback(created_at);
