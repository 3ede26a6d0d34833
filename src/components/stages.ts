// The buyer journey's stages as people read them.
export const stageLabels = {
  awareness: 'Awareness',
  inquiry: 'Inquiry',
  qualification: 'Qualification',
  conversion: 'Conversion',
  retention: 'Retention',
  expansion: 'Expansion',
  advocacy: 'Advocacy',
} as const;

export type StageName = keyof typeof stageLabels;

export function stageLabel(stage: string): string {
  return stage in stageLabels ? stageLabels[stage as StageName] : stage;
}
