CREATE TABLE "request_id_conflicts" (
	"request_id" text NOT NULL,
	"content_digest" "bytea" NOT NULL,
	"kept_digest" "bytea",
	"api_key" text NOT NULL,
	"event_timestamp" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_id_conflicts_pk" PRIMARY KEY("request_id","content_digest")
);
--> statement-breakpoint
ALTER TABLE "daily_rollup" ADD COLUMN "cache_read_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_rollup" ADD COLUMN "cache_creation_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_spend" ADD COLUMN "cache_read_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_spend" ADD COLUMN "cache_creation_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "entity_totals" ADD COLUMN "cache_read_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "entity_totals" ADD COLUMN "cache_creation_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "spend_logs" ADD COLUMN "cache_read_input_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "spend_logs" ADD COLUMN "cache_creation_input_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "spend_logs" ADD COLUMN "spend_source" text DEFAULT 'sender' NOT NULL;--> statement-breakpoint
ALTER TABLE "spend_logs" ADD COLUMN "content_digest" "bytea";