// Live pages: a server-sent event stream per signed-in reader that says when the projector has
// applied new events, so an open page re-renders (with the reader's rights, checked again on that
// request) only when something changed. In this process the projector's announcements drive it;
// with an external projector the position is read every few seconds.
import { userFromHeaders } from '~/server/auth/session';
import { getDb, type Db } from '~/server/db/client';
import { projectorMode } from './inProcess';
import { projectorState } from './projector';
import { onApplied } from './signal';

const HEARTBEAT_MS = 25_000;
const POLL_MS = 3_000;
/** Several chunks in a burst make one update. */
const COALESCE_MS = 1_000;

export async function handleLive(request: Request, deps: { db?: () => Promise<Db> } = {}): Promise<Response> {
  const db = await (deps.db ?? getDb)();
  const user = await userFromHeaders(db, request.headers);
  if (!user) return new Response(JSON.stringify({ error: 'sign in first' }), { status: 401, headers: { 'content-type': 'application/json' } });

  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let pending: ReturnType<typeof setTimeout> | null = null;
      let last = (await projectorState(db)).appliedBelow;
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const announce = () => {
        if (pending) return;
        pending = setTimeout(async () => {
          pending = null;
          const state = await projectorState(db).catch(() => null);
          if (!state) return;
          last = state.appliedBelow;
          send(`event: applied\ndata: ${JSON.stringify({ asOf: state.newestReceivedAt?.toISOString() ?? null, position: state.appliedBelow })}\n\n`);
        }, COALESCE_MS);
      };
      send(`retry: 5000\nevent: ready\ndata: ${JSON.stringify({ position: last })}\n\n`);
      const off = onApplied(announce);
      const poll =
        projectorMode() === 'external'
          ? setInterval(async () => {
              const state = await projectorState(db).catch(() => null);
              if (state && state.appliedBelow !== last) announce();
            }, POLL_MS)
          : null;
      const heartbeat = setInterval(() => send(': still here\n\n'), HEARTBEAT_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        off();
        if (poll) clearInterval(poll);
        clearInterval(heartbeat);
        if (pending) clearTimeout(pending);
        try {
          controller.close();
        } catch {
          // already closed by the reader
        }
      };
      request.signal.addEventListener('abort', () => cleanup());
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' },
  });
}
