CREATE TABLE "agencies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"sector" text NOT NULL,
	"statutory_role" text,
	"lead_partner_title" text,
	"delegated_partner_title" text,
	"executive_name" text,
	"executive_title" text,
	"executive_email" text,
	"active_from" date,
	"active_to" date,
	"closed_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agencies_dates_check" CHECK ("agencies"."active_to" is null or "agencies"."active_from" is null or "agencies"."active_to" >= "agencies"."active_from")
);
--> statement-breakpoint
CREATE TABLE "agency_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"reviewed_on" date NOT NULL,
	"next_due_on" date NOT NULL,
	"outcomes" jsonb NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collaboration_members" (
	"collaboration_id" uuid NOT NULL,
	"partnership_id" uuid NOT NULL,
	CONSTRAINT "collaboration_members_collaboration_id_partnership_id_pk" PRIMARY KEY("collaboration_id","partnership_id")
);
--> statement-breakpoint
CREATE TABLE "collaborations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collaborations_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid,
	"collaboration_id" uuid,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"accountable_to_id" uuid,
	"purpose" text DEFAULT '' NOT NULL,
	"terms_of_reference" text DEFAULT '' NOT NULL,
	"meetings_per_year" integer,
	"meeting_minutes" integer,
	"transitional_meetings_per_year" integer,
	"transitional_until" date,
	"quorum" integer,
	"confidential" boolean DEFAULT false NOT NULL,
	"ends_on" date,
	"standard_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"closed_on" date,
	"closed_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groups_owner_check" CHECK (("groups"."partnership_id" is null) <> ("groups"."collaboration_id" is null))
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"group_id" uuid NOT NULL,
	"partnership_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" text NOT NULL,
	"agency_id" uuid,
	"deputy_for_id" uuid,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"ended_reason" text,
	"rule_exception" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_dates_check" CHECK ("memberships"."ends_on" is null or "memberships"."ends_on" >= "memberships"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "other_partnerships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"protocol" text DEFAULT '' NOT NULL,
	"protocol_review_due" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"name" text NOT NULL,
	"job_title" text DEFAULT '' NOT NULL,
	"agency_id" uuid,
	"email" text,
	"user_id" uuid,
	"left_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_reviews" ADD CONSTRAINT "agency_reviews_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collaboration_members" ADD CONSTRAINT "collaboration_members_collaboration_id_collaborations_id_fk" FOREIGN KEY ("collaboration_id") REFERENCES "public"."collaborations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collaboration_members" ADD CONSTRAINT "collaboration_members_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_collaboration_id_collaborations_id_fk" FOREIGN KEY ("collaboration_id") REFERENCES "public"."collaborations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_accountable_to_id_groups_id_fk" FOREIGN KEY ("accountable_to_id") REFERENCES "public"."groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_deputy_for_id_memberships_id_fk" FOREIGN KEY ("deputy_for_id") REFERENCES "public"."memberships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "other_partnerships" ADD CONSTRAINT "other_partnerships_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agencies_partnership_name_idx" ON "agencies" USING btree ("partnership_id",lower("name"));--> statement-breakpoint
CREATE INDEX "agency_reviews_partnership_idx" ON "agency_reviews" USING btree ("partnership_id","reviewed_on");--> statement-breakpoint
CREATE INDEX "collaboration_members_partnership_idx" ON "collaboration_members" USING btree ("partnership_id");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_partnership_slug_idx" ON "groups" USING btree ("partnership_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_collaboration_slug_idx" ON "groups" USING btree ("collaboration_id","slug");--> statement-breakpoint
CREATE INDEX "groups_accountable_idx" ON "groups" USING btree ("accountable_to_id");--> statement-breakpoint
CREATE INDEX "memberships_group_idx" ON "memberships" USING btree ("group_id","starts_on");--> statement-breakpoint
CREATE INDEX "memberships_partnership_person_idx" ON "memberships" USING btree ("partnership_id","person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "other_partnerships_name_idx" ON "other_partnerships" USING btree ("partnership_id","name");--> statement-breakpoint
CREATE INDEX "people_partnership_name_idx" ON "people" USING btree ("partnership_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "people_partnership_email_idx" ON "people" USING btree ("partnership_id",lower("email"));