// The production server (`npm start`): Next's request handler behind a plain Node HTTP server that
// appends the socket peer to X-Forwarded-For, so that the client address (auth/clientAddress.ts)
// never rests on what a client wrote in that header. `next start` alone keeps a client-sent
// X-Forwarded-For as it is. Takes next start's -p/--port and -H/--hostname (or PORT, HOSTNAME).
import { checkEnv } from '~/env';
import { createServer } from 'node:http';
import next from 'next';
import { trustedProxiesFromEnv, withSocketPeer } from './auth/clientAddress';

function option(short: string, long: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === short || arg === long);
  return at >= 0 ? args[at + 1] : undefined;
}

// A bad variable (INGEST_MAX_BYTES=4MB, ...) stops the server here with its name and reason.
const config = checkEnv();
const port = Number(option('-p', '--port') ?? config.PORT);
const hostname = option('-H', '--hostname') ?? config.HOSTNAME;
if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`not a port: ${port}`);

// A malformed TRUSTED_PROXIES stops the server here, naming the entry, rather than at a sign-in.
trustedProxiesFromEnv();

const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((req, res) => {
  const forwardedFor = withSocketPeer(req.headers['x-forwarded-for'], req.socket.remoteAddress);
  if (forwardedFor) req.headers['x-forwarded-for'] = forwardedFor;
  void handle(req, res);
}).listen(port, hostname, () => {
  console.log(`Ready on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`);
});
