CREATE TABLE "daily_spend" (
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"day" date NOT NULL,
	"api_key" text NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"spend" numeric(38, 12) NOT NULL,
	"api_requests" bigint NOT NULL,
	"successful_requests" bigint NOT NULL,
	"failed_requests" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_spend_pk" PRIMARY KEY("entity_type","entity_id","day","api_key","model","provider")
);
--> statement-breakpoint
CREATE TABLE "entity_totals" (
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"spend" numeric(38, 12) NOT NULL,
	"api_requests" bigint NOT NULL,
	"successful_requests" bigint NOT NULL,
	"failed_requests" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_totals_pk" PRIMARY KEY("entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "spend_logs" (
	"request_id" text PRIMARY KEY NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"end_time" timestamp with time zone,
	"api_key" text NOT NULL,
	"user_id" text,
	"team_id" text,
	"org_id" text,
	"end_user_id" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"model" text NOT NULL,
	"model_group" text,
	"provider" text,
	"prompt_tokens" integer NOT NULL,
	"completion_tokens" integer NOT NULL,
	"spend" numeric(38, 12) NOT NULL,
	"status" text NOT NULL,
	"metadata" jsonb,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "spend_logs_day_idx" ON "spend_logs" USING btree ("day");