-- Issue 9: the ledger stores an api key only as a SHA-256 hex digest (normalizeApiKey in
-- packages/contract/src/api-key.ts: 64 lower-case hex digits are kept, anything else is replaced by
-- the SHA-256 hex of its UTF-8 bytes). Rows written before kept every key that did not look like
-- `sk-` + 4 characters raw: aliases, `sk-ab`, `Bearer sk-…`, padded keys. This rewrites them in every
-- table, merging aggregate rows that the rewrite makes equal (adding their metrics), so a raw key's
-- history and the digest's become one, and no raw secret stays stored or served. Idempotent. Each
-- table is scanned once (a regular expression per row; only rows with a raw key are rewritten). Run
-- it with the writers stopped: an old writer would store raw keys again.
--
-- spend_ledger_key_digest is normalizeApiKey in SQL (kept: an operator can look a raw key up with
-- `where entity_id = spend_ledger_key_digest('sk-…')`).
CREATE OR REPLACE FUNCTION spend_ledger_key_digest(v text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN v = '' OR v ~ '^[0-9a-f]{64}$' THEN v
    WHEN v ~ '^[0-9A-Fa-f]{64}$' THEN lower(v)
    ELSE encode(sha256(convert_to(v, 'UTF8')), 'hex')
  END
$$;
--> statement-breakpoint
-- Moves the rows matching `needs` of an aggregate table to their rewritten key (key columns replaced
-- by the expressions in key_exprs), adding every other column into a row that already has that key.
-- The columns are read from the catalog, so metric columns added by later migrations are carried.
CREATE OR REPLACE FUNCTION spend_ledger_rekey(tbl regclass, key_exprs jsonb, needs text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  pk text[];
  col text;
  expr text;
  cols text := '';
  sel text := '';
  grp text := '';
  upd text := '';
BEGIN
  SELECT array_agg(a.attname::text) INTO pk
  FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
  WHERE i.indrelid = tbl AND i.indisprimary;
  FOR col IN
    SELECT attname::text FROM pg_attribute WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped ORDER BY attnum
  LOOP
    cols := cols || format('%I, ', col);
    IF col = ANY (pk) THEN
      expr := coalesce(key_exprs ->> col, format('%I', col));
      sel := sel || expr || ', ';
      grp := grp || expr || ', ';
    ELSIF col = 'updated_at' THEN
      sel := sel || 'max(updated_at), ';
      upd := upd || 'updated_at = greatest(t.updated_at, excluded.updated_at), ';
    ELSE
      sel := sel || format('sum(%I), ', col);
      upd := upd || format('%1$I = t.%1$I + excluded.%1$I, ', col);
    END IF;
  END LOOP;
  -- The deleted rows all have a raw key part and the inserted ones none, so no inserted row is one
  -- of them; a conflict is an existing row under the digest, which absorbs the moved metrics.
  EXECUTE format(
    'WITH moved AS (DELETE FROM %1$s WHERE %2$s RETURNING *) '
    'INSERT INTO %1$s AS t (%3$s) SELECT %4$s FROM moved GROUP BY %5$s '
    'ON CONFLICT (%6$s) DO UPDATE SET %7$s',
    tbl, needs, rtrim(cols, ', '), rtrim(sel, ', '), rtrim(grp, ', '),
    (SELECT string_agg(format('%I', k), ', ') FROM unnest(pk) k), rtrim(upd, ', '));
END
$$;
--> statement-breakpoint
SELECT spend_ledger_rekey(
  'daily_spend',
  jsonb_build_object(
    'api_key', 'spend_ledger_key_digest(api_key)',
    'entity_id', 'CASE WHEN entity_type = ''key'' THEN spend_ledger_key_digest(entity_id) ELSE entity_id END'),
  $$(api_key <> '' AND api_key !~ '^[0-9a-f]{64}$')
    OR (entity_type = 'key' AND entity_id <> '' AND entity_id !~ '^[0-9a-f]{64}$')$$);
--> statement-breakpoint
SELECT spend_ledger_rekey(
  'daily_rollup',
  jsonb_build_object('value', 'CASE WHEN dimension = ''key'' THEN spend_ledger_key_digest(value) ELSE value END'),
  $$dimension = 'key' AND value <> '' AND value !~ '^[0-9a-f]{64}$'$$);
--> statement-breakpoint
SELECT spend_ledger_rekey(
  'entity_totals',
  jsonb_build_object(
    'entity_id', 'CASE WHEN entity_type = ''key'' THEN spend_ledger_key_digest(entity_id) ELSE entity_id END'),
  $$entity_type = 'key' AND entity_id <> '' AND entity_id !~ '^[0-9a-f]{64}$'$$);
--> statement-breakpoint
DROP FUNCTION spend_ledger_rekey(regclass, jsonb, text);
--> statement-breakpoint
-- content_digest (on the dedupe record since 0007) covers the api key as it was: a replay would no
-- longer match it and be reported as a conflict. NULL is "predates digests" (no conflict can be
-- detected against that row). Cleared before the rows' keys are rewritten, while they still say
-- which rows had a raw key.
UPDATE request_ids r SET content_digest = NULL
FROM spend_logs s
WHERE s.request_id = r.request_id AND s.api_key <> '' AND s.api_key !~ '^[0-9a-f]{64}$';
--> statement-breakpoint
UPDATE spend_logs SET api_key = spend_ledger_key_digest(api_key)
WHERE api_key <> '' AND api_key !~ '^[0-9a-f]{64}$';
--> statement-breakpoint
UPDATE request_id_conflicts SET api_key = spend_ledger_key_digest(api_key)
WHERE api_key <> '' AND api_key !~ '^[0-9a-f]{64}$';
--> statement-breakpoint
UPDATE api_tokens SET scope_id = spend_ledger_key_digest(scope_id)
WHERE scope_type = 'key' AND scope_id !~ '^[0-9a-f]{64}$';
