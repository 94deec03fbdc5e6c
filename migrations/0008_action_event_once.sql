CREATE UNIQUE INDEX `events_action_once` ON `events` (`request_id`,`action`,`at`,coalesce(json_extract(`detail`, '$.step'), '')) WHERE `action` in ('approved', 'rejected', 'step_completed', 'step_finished_by_hand', 'step_skipped');--> statement-breakpoint
CREATE INDEX `requests_decided` ON `requests` (`decided_at`);--> statement-breakpoint
CREATE INDEX `steps_finished` ON `steps` (`finished_at`);
