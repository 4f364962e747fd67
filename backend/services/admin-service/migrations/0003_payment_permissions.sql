-- Permissions of the payment flow (issue 4): payments and refunds, orders, risk rules and
-- blacklist, channels and routing, the ledger, merchant webhooks and the hosted cashier.
INSERT INTO permissions (code, name, resource, action)
SELECT code, initcap(split_part(code, '.', 2)) || ' ' || replace(split_part(code, '.', 1), '_', ' '),
       split_part(code, '.', 1), split_part(code, '.', 2)
FROM unnest(ARRAY[
    'payment.capture', 'order.view', 'risk.view', 'risk.manage', 'channel.view', 'channel.manage',
    'accounting.view', 'accounting.verify', 'accounting.adjust', 'webhook.view', 'webhook.redeliver', 'cashier.view']) AS code
ON CONFLICT DO NOTHING;

-- Operators run the payment floor; support looks payments up and redelivers webhooks.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, g.permission
FROM roles r
JOIN (VALUES ('operator', 'payment.*'), ('operator', 'order.view'), ('operator', 'risk.*'),
             ('operator', 'channel.view'), ('operator', 'accounting.view'), ('operator', 'webhook.*'),
             ('operator', 'cashier.view'),
             ('support', 'order.view'), ('support', 'webhook.view'), ('support', 'webhook.redeliver'),
             ('support', 'accounting.view')) AS g (role, permission)
  ON g.role = r.name
ON CONFLICT DO NOTHING;
