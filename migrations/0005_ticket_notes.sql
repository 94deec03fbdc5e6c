CREATE TABLE `ticket_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer,
	`ticket_id` integer NOT NULL,
	`event_id` integer,
	`marker` text NOT NULL,
	`html` text NOT NULL,
	`public` integer DEFAULT false NOT NULL,
	`ticket_status` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_run_at` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`posted_at` integer,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_notes_event_id_unique` ON `ticket_notes` (`event_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_notes_marker_unique` ON `ticket_notes` (`marker`);--> statement-breakpoint
CREATE INDEX `ticket_notes_due` ON `ticket_notes` (`status`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `ticket_notes_ticket` ON `ticket_notes` (`ticket_id`,`status`);