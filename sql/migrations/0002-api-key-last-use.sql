-- API keys page (issue 19): each key's last use (to the minute) and who made it.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS last_used_at DATETIME NULL AFTER rl_count;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS created_by VARCHAR(100) NULL AFTER last_used_at;
