CREATE TABLE "action_extensions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"requested_on" date NOT NULL,
	"requested_by_id" uuid,
	"proposed_due_on" date NOT NULL,
	"reason" text NOT NULL,
	"decision" text,
	"decision_reason" text,
	"new_due_on" date,
	"decided_at" timestamp with time zone,
	"decided_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "action_extensions_approved_check" CHECK ("action_extensions"."decision" is distinct from 'approved' or "action_extensions"."new_due_on" is not null)
);
--> statement-breakpoint
CREATE TABLE "action_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"issue_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"person_id" uuid,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "action_matrix_issues" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"issued_on" date NOT NULL,
	"due_on" date NOT NULL,
	"issued_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "action_response_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "action_responses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"text" text NOT NULL,
	"responded_on" date NOT NULL,
	"responded_at" timestamp with time zone NOT NULL,
	"due_on" date,
	"by_user_id" uuid,
	"by_person_id" uuid,
	"link_id" uuid
);
--> statement-breakpoint
CREATE TABLE "actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"meeting_id" uuid,
	"agenda_item_id" uuid,
	"decision_id" uuid,
	"reference" text NOT NULL,
	"description" text NOT NULL,
	"owner_agency_id" uuid NOT NULL,
	"owner_person_id" uuid,
	"issue_id" uuid,
	"issued_on" date,
	"due_on" date,
	"closed_at" timestamp with time zone,
	"closed_reason" text,
	"closed_by_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attendance_flags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"membership_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"raised_on" date NOT NULL,
	"agenda_item_id" uuid,
	"closed_at" timestamp with time zone,
	"closed_reason" text,
	"closed_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_failures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"kind" text NOT NULL,
	"responded_on" date,
	"letter_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_letters" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partnership_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"addressee_name" text NOT NULL,
	"addressee_title" text DEFAULT '' NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"sender_name" text NOT NULL,
	"sender_title" text DEFAULT '' NOT NULL,
	"sent_on" date,
	"sent_at" timestamp with time zone,
	"sent_by_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_extensions" ADD CONSTRAINT "action_extensions_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_extensions" ADD CONSTRAINT "action_extensions_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_extensions" ADD CONSTRAINT "action_extensions_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_extensions" ADD CONSTRAINT "action_extensions_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_links" ADD CONSTRAINT "action_links_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_links" ADD CONSTRAINT "action_links_issue_id_action_matrix_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."action_matrix_issues"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_links" ADD CONSTRAINT "action_links_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_links" ADD CONSTRAINT "action_links_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_matrix_issues" ADD CONSTRAINT "action_matrix_issues_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_matrix_issues" ADD CONSTRAINT "action_matrix_issues_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_matrix_issues" ADD CONSTRAINT "action_matrix_issues_issued_by_id_users_id_fk" FOREIGN KEY ("issued_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_response_files" ADD CONSTRAINT "action_response_files_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_response_files" ADD CONSTRAINT "action_response_files_response_id_action_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."action_responses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_responses" ADD CONSTRAINT "action_responses_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_responses" ADD CONSTRAINT "action_responses_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_responses" ADD CONSTRAINT "action_responses_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_responses" ADD CONSTRAINT "action_responses_by_person_id_people_id_fk" FOREIGN KEY ("by_person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_responses" ADD CONSTRAINT "action_responses_link_id_action_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."action_links"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_agenda_item_id_agenda_items_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_owner_agency_id_agencies_id_fk" FOREIGN KEY ("owner_agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_owner_person_id_people_id_fk" FOREIGN KEY ("owner_person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_issue_id_action_matrix_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."action_matrix_issues"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_closed_by_id_users_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_agenda_item_id_agenda_items_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_flags" ADD CONSTRAINT "attendance_flags_closed_by_id_users_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_failures" ADD CONSTRAINT "compliance_failures_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_failures" ADD CONSTRAINT "compliance_failures_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_failures" ADD CONSTRAINT "compliance_failures_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_failures" ADD CONSTRAINT "compliance_failures_letter_id_escalation_letters_id_fk" FOREIGN KEY ("letter_id") REFERENCES "public"."escalation_letters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_letters" ADD CONSTRAINT "escalation_letters_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_letters" ADD CONSTRAINT "escalation_letters_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_letters" ADD CONSTRAINT "escalation_letters_sent_by_id_users_id_fk" FOREIGN KEY ("sent_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_letters" ADD CONSTRAINT "escalation_letters_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_extensions_action_idx" ON "action_extensions" USING btree ("action_id");--> statement-breakpoint
CREATE UNIQUE INDEX "action_links_token_idx" ON "action_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "action_links_issue_idx" ON "action_links" USING btree ("issue_id");--> statement-breakpoint
CREATE INDEX "action_matrix_issues_meeting_idx" ON "action_matrix_issues" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "action_response_files_response_idx" ON "action_response_files" USING btree ("response_id");--> statement-breakpoint
CREATE INDEX "action_responses_action_idx" ON "action_responses" USING btree ("action_id","responded_at");--> statement-breakpoint
CREATE INDEX "action_responses_partnership_idx" ON "action_responses" USING btree ("partnership_id","responded_on");--> statement-breakpoint
CREATE UNIQUE INDEX "actions_reference_idx" ON "actions" USING btree ("partnership_id","reference");--> statement-breakpoint
CREATE INDEX "actions_agency_due_idx" ON "actions" USING btree ("partnership_id","owner_agency_id","due_on");--> statement-breakpoint
CREATE INDEX "actions_meeting_idx" ON "actions" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "actions_issue_idx" ON "actions" USING btree ("issue_id");--> statement-breakpoint
CREATE INDEX "actions_open_due_idx" ON "actions" USING btree ("due_on") WHERE "actions"."closed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "attendance_flags_seat_meeting_idx" ON "attendance_flags" USING btree ("membership_id","meeting_id");--> statement-breakpoint
CREATE INDEX "attendance_flags_partnership_idx" ON "attendance_flags" USING btree ("partnership_id","raised_on");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_failures_action_due_idx" ON "compliance_failures" USING btree ("action_id","due_on");--> statement-breakpoint
CREATE INDEX "compliance_failures_agency_idx" ON "compliance_failures" USING btree ("partnership_id","agency_id","due_on");--> statement-breakpoint
CREATE INDEX "escalation_letters_agency_idx" ON "escalation_letters" USING btree ("partnership_id","agency_id");