// How the attribution models are named on screen.
import type { AttributionModel } from '~/server/metrics/attributionWeights';

export const modelLabels: Record<AttributionModel, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  linear: 'Linear',
  u_shaped: 'U-shaped',
  w_shaped: 'W-shaped',
  full_path: 'Full path',
  time_decay: 'Time decay',
};
