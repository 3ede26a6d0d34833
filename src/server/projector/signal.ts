// In-process signals between the door and the projector: the door wakes the projector after a
// commit, the projector tells waiters (`?wait=applied`, live pages) when it has applied a chunk.
import { EventEmitter } from 'node:events';

declare global {
  var __revenueFunnelProjectorSignal: EventEmitter | undefined;
}

function signal(): EventEmitter {
  globalThis.__revenueFunnelProjectorSignal ??= new EventEmitter().setMaxListeners(0);
  return globalThis.__revenueFunnelProjectorSignal;
}

export function wakeProjector(): void {
  signal().emit('wake');
}

export function onWake(listener: () => void): () => void {
  signal().on('wake', listener);
  return () => signal().off('wake', listener);
}

export interface AppliedChunk {
  /** every transaction below this position is applied */
  appliedBelow: number;
  events: number;
}

export function announceApplied(chunk: AppliedChunk): void {
  signal().emit('applied', chunk);
}

export function onApplied(listener: (chunk: AppliedChunk) => void): () => void {
  signal().on('applied', listener);
  return () => signal().off('applied', listener);
}
