// What the dashboard editor offers: tile kinds and attribution models with their labels.
import { tileKindLabels, tileKinds } from '~/server/dashboards';
import { attributionModels } from '~/server/metrics/attributionWeights';
import { modelLabels } from '../attribution/labels';

export const editorKinds = tileKinds.map((kind) => ({ kind, label: tileKindLabels[kind] }));
export const editorModels = attributionModels.map((model) => ({ model, label: modelLabels[model] }));
