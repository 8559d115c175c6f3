-- The Operators page (issue 19): who added an operator and when, disabling and enabling again, and the tenant's guard row version.
ALTER TABLE operators
  ADD COLUMN IF NOT EXISTS created_at  DATETIME NULL,
  ADD COLUMN IF NOT EXISTS created_by  VARCHAR(100) NULL,
  ADD COLUMN IF NOT EXISTS disabled_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS disabled_by VARCHAR(100) NULL,
  ADD COLUMN IF NOT EXISTS enabled_at  DATETIME NULL;
ALTER TABLE tenants
  ADD COLUMN IF NOT EXISTS operators_version INT UNSIGNED NOT NULL DEFAULT 0 AFTER financial_years;
