CREATE TABLE `courses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_number` text NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`description` text,
	`instructor` text,
	`weeks` integer,
	`evaluation_criteria` text,
	`preexisting_resources` text,
	`initial_repo` text,
	`first_term` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `courses_number_unique` ON `courses` (lower("course_number"));--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer,
	`ticket_id` integer,
	`actor` text NOT NULL,
	`actor_name` text,
	`action` text NOT NULL,
	`detail` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_request` ON `events` (`request_id`,`at`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer,
	`type` text NOT NULL,
	`kind` text,
	`status` text NOT NULL,
	`course_id` integer,
	`course_number` text,
	`term` text,
	`new_term` text,
	`course_key` text,
	`repo` text,
	`params` text NOT NULL,
	`problems` text DEFAULT '[]' NOT NULL,
	`plan` text,
	`requester` text,
	`desired_completion` text,
	`start_at` integer,
	`decision` text,
	`decided_by` text,
	`decided_at` integer,
	`reason` text,
	`requested_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `requests_ticket_id_unique` ON `requests` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `requests_status` ON `requests` (`status`,`start_at`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`git_repo` text,
	`course_key` text NOT NULL,
	`staging_hook` integer DEFAULT false NOT NULL,
	`production_hook` integer DEFAULT false NOT NULL,
	`live_branch` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_course_key_unique` ON `runs` (lower("course_key"));--> statement-breakpoint
CREATE TABLE `steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`key` text NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_run_at` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`result` text,
	`reported` integer DEFAULT false NOT NULL,
	`error` text,
	`completed_by` text,
	`note` text,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `steps_request_key` ON `steps` (`request_id`,`key`);--> statement-breakpoint
CREATE INDEX `steps_due` ON `steps` (`status`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `steps_request_position` ON `steps` (`request_id`,`position`);--> statement-breakpoint
CREATE TABLE `team_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`username` text NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `team_members_course_user` ON `team_members` (`course_id`,lower("username"));--> statement-breakpoint
CREATE TABLE `terms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`year` integer NOT NULL,
	`season` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `terms_name_unique` ON `terms` (`name`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invocation_id` text NOT NULL,
	`webhook_id` text,
	`ticket_id` integer,
	`event` text,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_run_at` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`error` text,
	`processed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_invocation_id_unique` ON `webhook_deliveries` (`invocation_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_run_at`);