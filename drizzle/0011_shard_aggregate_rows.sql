-- Aggregate rows sharded by writer partition (docs/decisions.md, "Aggregate rows sharded by writer
-- partition"): `shard` joins the primary key of daily_spend, daily_rollup and entity_totals, so that
-- writers owning different Kafka partitions never upsert the same row. Existing rows become shard 0
-- (the column's default, a catalog-only change); readers sum over shards, so every figure is the
-- same before and after. The key swap rebuilds each primary key index under an ACCESS EXCLUSIVE
-- lock: run it with the writers stopped (an old writer's ON CONFLICT names the old key and fails,
-- retrying, until it is replaced).
ALTER TABLE "daily_rollup" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_spend" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "entity_totals" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_rollup" DROP CONSTRAINT "daily_rollup_pk";
--> statement-breakpoint
ALTER TABLE "daily_rollup" ADD CONSTRAINT "daily_rollup_pk" PRIMARY KEY("dimension","value","day","shard");--> statement-breakpoint
ALTER TABLE "daily_spend" DROP CONSTRAINT "daily_spend_pk";
--> statement-breakpoint
ALTER TABLE "daily_spend" ADD CONSTRAINT "daily_spend_pk" PRIMARY KEY("entity_type","entity_id","day","hour","api_key","model","provider","shard");--> statement-breakpoint
ALTER TABLE "entity_totals" DROP CONSTRAINT "entity_totals_pk";
--> statement-breakpoint
ALTER TABLE "entity_totals" ADD CONSTRAINT "entity_totals_pk" PRIMARY KEY("entity_type","entity_id","shard");