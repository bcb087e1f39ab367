import { Schema, type Connection } from 'mongoose';

/**
 * An owned car. Created when an order is delivered, registered by service staff, or added by its
 * owner from the DMS's record of a car sold elsewhere (`source`, `claim`). The
 * `summary` holds the latest predictions (recomputed after each usage report, under the
 * vehicle's lock) so segments and the reminder scan are plain indexed queries.
 */
const vehicleSchema = new Schema(
  {
    vin: { type: String, required: true, unique: true },
    ownerId: { type: String, required: true, index: true },
    orderNo: { type: String },
    source: { type: String, enum: ['order', 'staff', 'dms_claim'] },
    plate: { type: String },
    colourName: { type: String },
    dealer: { type: { code: String, name: String }, _id: false },
    soldAt: { type: Date },
    claim: { type: { userId: String, key: String, at: Date, auditedAt: Date }, _id: false },
    modelCode: { type: String, required: true },
    modelName: { type: String, required: true },
    trimCode: { type: String },
    energyType: { type: String, required: true, enum: ['bev', 'phev', 'ice'] },
    deliveredAt: { type: Date, required: true },
    odometerAtDeliveryKm: { type: Number, default: 0 },
    lastService: { type: { at: Date, odometerKm: Number }, default: null, _id: false },
    tyresFittedKm: { type: Number },
    summary: {
      type: {
        serviceDueDate: String,
        serviceStatus: String,
        batterySohPct: Number,
        tyreTreadMm: Number,
        odometerKm: Number,
        lastReportAt: Date,
        computedAt: Date,
      },
      _id: false,
    },
  },
  { timestamps: true, collection: 'vehicles' },
);
vehicleSchema.index({ 'summary.serviceDueDate': 1 });
vehicleSchema.index({ modelCode: 1 });
vehicleSchema.index({ orderNo: 1 });
vehicleSchema.index({ 'claim.userId': 1, 'claim.key': 1 });

/** Usage reports, keyed by the sender's report id: a report sent twice is stored once. */
const usageReportSchema = new Schema(
  {
    _id: { type: String },
    vehicleId: { type: String, required: true },
    at: { type: Date, required: true },
    odometerKm: { type: Number, required: true },
    harshBrakes: { type: Number },
    charges: { type: Number },
    fastCharges: { type: Number },
    batterySohPct: { type: Number },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'usage_reports', versionKey: false },
);
usageReportSchema.index({ vehicleId: 1, at: -1 });

export const vehicleModel = (conn: Connection) => conn.models.Vehicle ?? conn.model('Vehicle', vehicleSchema);
export const usageReportModel = (conn: Connection) => conn.models.UsageReport ?? conn.model('UsageReport', usageReportSchema);
