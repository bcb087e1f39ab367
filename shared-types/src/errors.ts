/**
 * Every error the BFF returns has this shape and one of these stable codes. Clients branch on
 * `code`, never on `message` (which is Chinese text meant for people).
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'WECHAT_CODE_INVALID',
  // Accounts and sessions:
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_REUSED',
  'ALIPAY_CODE_INVALID',
  'SMS_CODE_INVALID',
  'SMS_CODE_LOCKED',
  'SMS_SEND_REFUSED',
  'PHONE_IN_USE',
  'LOGIN_METHOD_NOT_CONFIGURED',
  'ACCOUNT_HAS_ACTIVE_ORDERS',
  // Configurator (the engine's reasons, see configurator/types.ts ConfigErrorCode):
  'UNKNOWN_TRIM',
  'UNKNOWN_OPTION',
  'OPTION_NOT_AVAILABLE',
  'OPTION_CONFLICT',
  'REQUIREMENT_UNMET',
  'GROUP_CARDINALITY',
  'NO_PRICE',
  // Writes:
  'VERSION_CONFLICT',
  'CATALOG_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'REQUEST_IN_PROGRESS',
  // Orders and payments:
  'OUT_OF_STOCK',
  /** A stock change would leave fewer cars than orders hold (details.held, details.total). */
  'STOCK_BELOW_HELD',
  'PRICE_CHANGED',
  'ORDER_STATE_INVALID',
  /** Staff console: the VIN is already allocated to another order still in progress. */
  'VIN_IN_USE',
  'IDEMPOTENCY_KEY_REQUIRED',
  'PAYMENT_NOT_CONFIGURED',
  'PAYMENT_METHOD_UNAVAILABLE',
  // Launches (waiting room and the admission gate):
  'LAUNCH_NOT_OPEN',
  'LAUNCH_ENDED',
  'LAUNCH_ONLY',
  'ALREADY_HOLDING',
  'ADMISSION_INVALID',
  'ADMISSION_USED',
  'ADMISSION_EXPIRED',
  'NOT_IN_QUEUE',
  'DEVICE_LIMIT',
  // Finance (details.reason carries the calculator's reason, see finance/types.ts LoanErrorCode):
  'LOAN_TERMS_INVALID',
  'FINANCE_RATES_UNAVAILABLE',
  // Advisors: shares, test drives, leads:
  'SHARE_NOT_FOUND',
  'SHARE_EXPIRED',
  'SHARE_MODEL_UNAVAILABLE',
  'SHARE_NOT_VISITED',
  'SLOT_UNAVAILABLE',
  'TEST_DRIVE_STATE_INVALID',
  'LEAD_STATE_INVALID',
  // Advisors' calls to leads through a privacy number (隐私号):
  'LEAD_NO_PHONE',
  'ADVISOR_NO_PHONE',
  'PRIVACY_NUMBER_NOT_CONFIGURED',
  'PRIVACY_NUMBER_UNAVAILABLE',
  // Bookable slots (service centres, stores):
  'SLOT_FULL',
  'SLOT_IN_PAST',
  'SLOT_NOT_OFFERED',
  'BOOKING_STATE_INVALID',
  // 我的车库: adding a car bought elsewhere (the DMS's record of it):
  'VIN_INVALID',
  'PLATE_INVALID',
  'VEHICLE_NOT_FOUND',
  'VEHICLE_OWNER_MISMATCH',
  'VEHICLE_ALREADY_CLAIMED',
  // Analytics and experiments:
  'EVENT_BATCH_INVALID',
  'EXPERIMENT_STATE_INVALID',
  'UPSTREAM_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}
