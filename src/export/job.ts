// Job data of the `heaters.export` queue: the export row's id, nothing else (the row says what to do).
import { z } from 'zod';

export const ExportJob = z.object({ exportId: z.uuid() }).strict();
export type ExportJob = z.infer<typeof ExportJob>;
