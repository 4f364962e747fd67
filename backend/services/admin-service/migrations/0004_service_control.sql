-- Service control (POST /api/v1/system/services/{name}/stop|start|restart). Two-part like every
-- code (resource.action). Granted to no role here: super admins have it through "*", and stopping
-- a service is at least as strong as system.update, which is theirs alone too; grant it to another
-- role through PUT /api/v1/roles/{id}/permissions when operators should have it.
INSERT INTO permissions (code, name, resource, action)
VALUES ('system.control', 'Control system (stop, start, restart a service)', 'system', 'control')
ON CONFLICT DO NOTHING;
