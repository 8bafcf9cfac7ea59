-- What a replay needs to send a delivery again through the same path: its body (the same bytes
-- every attempt signs), its match key (ordered endpoints deliver one at a time per key) and the
-- rule version. Written with the delivery's first row and never changed after.
ALTER TABLE webhook_deliveries ADD COLUMN body text;
ALTER TABLE webhook_deliveries ADD COLUMN match_key text;
ALTER TABLE webhook_deliveries ADD COLUMN rule_version integer;
