-- DEDUPE_RETENTION_DAYS prunes request_ids by age (docs/decisions.md). BRIN: next to no cost per insert.
CREATE INDEX "request_ids_timestamp_brin" ON "request_ids" USING brin ("timestamp");