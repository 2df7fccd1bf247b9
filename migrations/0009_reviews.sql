CREATE TABLE "external_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"title" text NOT NULL,
	"source" text NOT NULL,
	"origin" text DEFAULT '' NOT NULL,
	"published_on" date,
	"url" text,
	"local_learning" text DEFAULT '' NOT NULL,
	"logged_on" date NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "learning_briefings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid,
	"external_review_id" uuid,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"published_on" date,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_agencies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"involvement" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"procedure" text DEFAULT 'wt2023' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"group_id" uuid,
	"became_aware_on" date,
	"notified_on" date,
	"rapid_review_meeting_on" date,
	"rapid_review_completed_on" date,
	"rapid_review_conclusions" text,
	"panel_response" text,
	"panel_response_on" date,
	"decision" text,
	"decision_rationale" text,
	"decided_on" date,
	"terms_of_reference" text,
	"reviewer_name" text,
	"reviewer_organisation" text,
	"family_involvement" text,
	"final_report_on" date,
	"published_on" date,
	"publication_url" text,
	"published_title" text,
	"closed_on" date,
	"closed_reason" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_cases_notified_check" CHECK ("review_cases"."notified_on" is null or "review_cases"."became_aware_on" is null or "review_cases"."notified_on" >= "review_cases"."became_aware_on"),
	CONSTRAINT "review_cases_decision_check" CHECK ("review_cases"."decision" is null or ("review_cases"."decided_on" is not null and coalesce("review_cases"."decision_rationale", '') <> ''))
);
--> statement-breakpoint
CREATE TABLE "review_drafts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"received_on" date NOT NULL,
	"circulated_on" date,
	"circulated_to" text,
	"note" text DEFAULT '' NOT NULL,
	"filename" text,
	"content_type" text,
	"size" integer,
	"content" "bytea",
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_information_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"requested_on" date NOT NULL,
	"due_on" date NOT NULL,
	"received_on" date,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_information_requests_due_check" CHECK ("review_information_requests"."due_on" >= "review_information_requests"."requested_on"),
	CONSTRAINT "review_information_requests_received_check" CHECK ("review_information_requests"."received_on" is null or "review_information_requests"."received_on" >= "review_information_requests"."requested_on")
);
--> statement-breakpoint
CREATE TABLE "review_milestones" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"title" text NOT NULL,
	"due_on" date NOT NULL,
	"done_on" date,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_panel_members" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"agency_id" uuid,
	"override_reason" text,
	"added_by_id" uuid,
	"added_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_reason" text
);
--> statement-breakpoint
CREATE TABLE "review_partner_notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"told_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_recommendation_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"recommendation_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_recommendations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"text" text NOT NULL,
	"impact_evidence" text,
	"impact_recorded_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_sends" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"sent_on" date NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "external_reviews" ADD CONSTRAINT "external_reviews_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_reviews" ADD CONSTRAINT "external_reviews_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_briefings" ADD CONSTRAINT "learning_briefings_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_briefings" ADD CONSTRAINT "learning_briefings_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_briefings" ADD CONSTRAINT "learning_briefings_external_review_id_external_reviews_id_fk" FOREIGN KEY ("external_review_id") REFERENCES "public"."external_reviews"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_briefings" ADD CONSTRAINT "learning_briefings_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_agencies" ADD CONSTRAINT "review_agencies_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_agencies" ADD CONSTRAINT "review_agencies_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_agencies" ADD CONSTRAINT "review_agencies_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_cases" ADD CONSTRAINT "review_cases_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_cases" ADD CONSTRAINT "review_cases_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_cases" ADD CONSTRAINT "review_cases_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_drafts" ADD CONSTRAINT "review_drafts_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_drafts" ADD CONSTRAINT "review_drafts_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_drafts" ADD CONSTRAINT "review_drafts_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_information_requests" ADD CONSTRAINT "review_information_requests_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_information_requests" ADD CONSTRAINT "review_information_requests_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_information_requests" ADD CONSTRAINT "review_information_requests_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_milestones" ADD CONSTRAINT "review_milestones_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_milestones" ADD CONSTRAINT "review_milestones_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_panel_members" ADD CONSTRAINT "review_panel_members_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_panel_members" ADD CONSTRAINT "review_panel_members_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_panel_members" ADD CONSTRAINT "review_panel_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_panel_members" ADD CONSTRAINT "review_panel_members_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_panel_members" ADD CONSTRAINT "review_panel_members_added_by_id_users_id_fk" FOREIGN KEY ("added_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_partner_notices" ADD CONSTRAINT "review_partner_notices_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_partner_notices" ADD CONSTRAINT "review_partner_notices_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_partner_notices" ADD CONSTRAINT "review_partner_notices_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_recommendation_actions" ADD CONSTRAINT "review_recommendation_actions_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_recommendation_actions" ADD CONSTRAINT "review_recommendation_actions_recommendation_id_review_recommendations_id_fk" FOREIGN KEY ("recommendation_id") REFERENCES "public"."review_recommendations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_recommendation_actions" ADD CONSTRAINT "review_recommendation_actions_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_recommendations" ADD CONSTRAINT "review_recommendations_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_recommendations" ADD CONSTRAINT "review_recommendations_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_sends" ADD CONSTRAINT "review_sends_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_sends" ADD CONSTRAINT "review_sends_case_id_review_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."review_cases"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_sends" ADD CONSTRAINT "review_sends_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "external_reviews_partnership_idx" ON "external_reviews" USING btree ("partnership_id","logged_on");--> statement-breakpoint
CREATE INDEX "learning_briefings_partnership_idx" ON "learning_briefings" USING btree ("partnership_id","published_on");--> statement-breakpoint
CREATE INDEX "learning_briefings_case_idx" ON "learning_briefings" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_agencies_case_agency_idx" ON "review_agencies" USING btree ("case_id","agency_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_cases_reference_idx" ON "review_cases" USING btree ("partnership_id",lower("reference"));--> statement-breakpoint
CREATE INDEX "review_cases_published_idx" ON "review_cases" USING btree ("partnership_id","published_on");--> statement-breakpoint
CREATE UNIQUE INDEX "review_drafts_case_version_idx" ON "review_drafts" USING btree ("case_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "review_information_requests_case_agency_idx" ON "review_information_requests" USING btree ("case_id","agency_id");--> statement-breakpoint
CREATE INDEX "review_milestones_case_idx" ON "review_milestones" USING btree ("case_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "review_panel_members_current_idx" ON "review_panel_members" USING btree ("case_id","person_id") WHERE "review_panel_members"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "review_panel_members_person_idx" ON "review_panel_members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_partner_notices_case_agency_idx" ON "review_partner_notices" USING btree ("case_id","agency_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_recommendation_actions_idx" ON "review_recommendation_actions" USING btree ("recommendation_id","action_id");--> statement-breakpoint
CREATE INDEX "review_recommendation_actions_action_idx" ON "review_recommendation_actions" USING btree ("action_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_recommendations_case_number_idx" ON "review_recommendations" USING btree ("case_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "review_sends_case_recipient_idx" ON "review_sends" USING btree ("case_id","recipient");