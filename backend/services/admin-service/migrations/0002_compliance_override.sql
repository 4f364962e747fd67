-- Forcing a merchant's activation past KYC is a compliance decision, not a merchant edit: it gets
-- its own resource so that roles granted "merchant.*" (operator) do not hold it. Only roles
-- granted it explicitly (or "*", super_admin) can force an activation.
INSERT INTO permissions (code, name, resource, action)
VALUES ('compliance.override', 'Override compliance checks', 'compliance', 'override');
