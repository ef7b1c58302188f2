-- Two windows in flight (or two writers) that both need a new day's partition: the second waits on the
-- advisory lock, but an advisory lock does not make Postgres read catalog changes committed meanwhile,
-- so its to_regclass can still miss the partition the first one just created, and its CREATE then
-- failed with "relation ... already exists" (the write was retried, nothing was lost, but the
-- writer paused consumption and logged an error). A duplicate now means "already there".
CREATE OR REPLACE FUNCTION spend_ledger_ensure_spend_logs_partition(d date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  part text := 'spend_logs_' || to_char(d, 'YYYYMMDD');
BEGIN
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spend_ledger.spend_logs_partitions'));
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  BEGIN
    EXECUTE format('CREATE TABLE %I PARTITION OF spend_logs FOR VALUES FROM (%L) TO (%L)',
      part, d::text || ' 00:00:00+00', (d + 1)::text || ' 00:00:00+00');
  EXCEPTION WHEN duplicate_table THEN
    RETURN false;
  END;
  RETURN true;
END
$$;
