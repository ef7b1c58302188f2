-- The guard of the one-statement write path (packages/ledger-db/src/write-spend-batch.ts). The writer
-- sends each window as ONE statement: insert the per-request rows, and add the window's pre-computed
-- aggregates only if every request_id was new. When some were not (a redelivery), this raises
-- SQLSTATE SLD01 and the whole statement rolls back; the writer then drops the known request_ids
-- and tries again. One statement means no client-side transaction whose connection could be lost
-- between its statements.
CREATE OR REPLACE FUNCTION spend_ledger_require_all_new(fresh bigint, expected bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF fresh <> expected THEN
    RAISE EXCEPTION 'only % of % request_ids are new', fresh, expected USING ERRCODE = 'SLD01';
  END IF;
  RETURN fresh;
END
$$;
