CREATE TABLE `zendesk_objects` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`zendesk_id` text NOT NULL,
	`title` text NOT NULL,
	`secret` text,
	`updated_at` integer NOT NULL
);
