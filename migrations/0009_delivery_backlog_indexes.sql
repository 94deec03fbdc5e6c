DROP INDEX `webhook_deliveries_due`;--> statement-breakpoint
DROP INDEX `webhook_deliveries_ticket`;--> statement-breakpoint
DROP INDEX `webhook_deliveries_queue`;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_run_at`) WHERE "webhook_deliveries"."status" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX `webhook_deliveries_ticket` ON `webhook_deliveries` (`ticket_id`,`status`) WHERE "webhook_deliveries"."status" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX `webhook_deliveries_queue` ON `webhook_deliveries` (`status`,`id`) WHERE "webhook_deliveries"."status" in ('pending', 'running');