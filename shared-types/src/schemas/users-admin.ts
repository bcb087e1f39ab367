import { z } from 'zod';

/**
 * A user as staff see them (GET /admin/users?phone=, /admin/users/:id, PUT …/roles, GET /me):
 * personal data masked. The BFF declares it, the console's 角色 page imports its type.
 */
export const maskedProfileSchema = z.object({
  id: z.string(),
  roles: z.array(z.string()),
  phone: z.string().nullable().describe('masked: 138****1234'),
  realName: z.string().nullable().describe('masked: 张*'),
  idCardNo: z.string().nullable().describe('masked: 110***********1234'),
  driverLicenceNo: z.string().nullable().describe('masked'),
  channels: z.array(z.string()),
  createdAt: z.string().nullable(),
});
export type MaskedProfile = z.output<typeof maskedProfileSchema>;
