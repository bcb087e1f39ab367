import { z } from 'zod';

/** Integer fen, never negative. */
export const fenSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Query-string integer: "20" -> 20; rejects "2.5", "abc", "". */
export const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, '必须是整数').transform(Number).pipe(z.number().int().min(min).max(max));

export const pagingQuery = {
  page: queryInt(1, 10_000).optional().default(1),
  pageSize: queryInt(1, 50).optional().default(20),
};

export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, '不是有效的 id');

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});

export const pagedSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
