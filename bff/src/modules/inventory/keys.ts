/** The stock document key of one variant; pure so other modules can build it without the inventory model. */
export const stockKey = (modelCode: string, trimCode: string, paintCode: string, region = 'national') => `${region}:${modelCode}:${trimCode}:${paintCode}`;
