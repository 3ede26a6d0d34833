// A terminal progress line: done/total, rate and time left. Pure formatting, plus a writer that
// redraws one line on a terminal and prints a plain line now and then when output is a file.

export interface ProgressFigures {
  done: number;
  /** null when the total is not known */
  total: number | null;
  elapsedMs: number;
  unit: string;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine({ done, total, elapsedMs, unit }: ProgressFigures, width = 24): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? done / seconds : 0;
  const count = `${done.toLocaleString('en-US')}${total === null ? '' : ` / ${total.toLocaleString('en-US')}`} ${unit}`;
  const speed = `${Math.round(rate).toLocaleString('en-US')} ${unit}/s`;
  if (total === null || total <= 0) return `${count}  ${speed}  ${duration(seconds)}`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const eta = rate > 0 ? duration((total - done) / rate) : '?';
  return `${bar} ${(share * 100).toFixed(1).padStart(5)}%  ${count}  ${speed}  ETA ${eta}`;
}

export interface ProgressWriter {
  update(figures: Omit<ProgressFigures, 'elapsedMs'>): void;
  done(message: string): void;
}

export function progressWriter(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): ProgressWriter {
  const started = performance.now();
  let last = 0;
  const tty = stream.isTTY === true;
  return {
    update(figures) {
      const now = performance.now();
      if (now - last < (tty ? 200 : everyMs)) return;
      last = now;
      const line = progressLine({ ...figures, elapsedMs: now - started });
      stream.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done(message) {
      stream.write(tty ? `\r\x1b[K${message}\n` : `${message}\n`);
    },
  };
}
