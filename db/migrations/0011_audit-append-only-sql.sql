-- The audit trail is append-only in the database itself, not only by convention in lib/: an UPDATE,
-- DELETE or TRUNCATE of audit_events fails, whoever sends it. The one way to prune (for an operator
-- bound by a retention policy) is a DELETE in a transaction that first says so, on purpose:
--   BEGIN; SET LOCAL switchyard.audit_prune = 'on'; DELETE FROM audit_events WHERE created_at < '…'; COMMIT;
-- Rows are never updated.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('switchyard.audit_prune', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'to prune old events, DELETE in a transaction after SET LOCAL switchyard.audit_prune = ''on''';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
