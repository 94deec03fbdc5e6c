import { z } from 'zod';

/** What the service relies on in Studio's answers; everything else is dropped. */

const teamEntrySchema = z.object({ user: z.string(), role: z.string() });

export const courseRunSchema = z.object({
  id: z.string(),
  title: z.string().nullish(),
  schedule: z
    .object({
      start: z.string().nullish(),
      end: z.string().nullish(),
      enrollment_start: z.string().nullish(),
      enrollment_end: z.string().nullish(),
    })
    .nullish(),
  pacing_type: z.string().nullish(),
  team: z.array(teamEntrySchema).nullish().transform((t) => t ?? []),
});
export type CourseRun = z.infer<typeof courseRunSchema>;
