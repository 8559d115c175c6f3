// A webhook receiver on loopback for the tests (README "Webhooks"): checks
// every request's signature (Custodian-Signature: t=<unix>,v1=<hex HMAC-SHA-256
// of "<t>.<body>"> with the endpoint's secret) and its timestamp's freshness,
// keeps the requests in arrival order, and de-duplicates the events by id as a
// receiver should. Its behaviour can change while it runs: answer at once,
// slowly, with an error and garbage, or not listen at all (stop/start on the
// same port).
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifySignature(header, body, secret, nowSeconds = Math.floor(Date.now() / 1000)) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header || '');
  if (!m) return 'malformed signature header';
  const t = Number(m[1]);
  if (Math.abs(nowSeconds - t) > 300) return 'stale timestamp';
  const want = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  const got = Buffer.from(m[2], 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? null : 'bad signature';
}

/** Starts a receiver; secret is the endpoint's (set later with r.secret = ...). */
export async function startReceiver({ secret = '', port = 0 } = {}) {
  const r = {
    secret,
    mode: 'ok', // ok | slow | garbage | hang-once
    delayMs: 0,
    requests: [], // { id, event, data, body, headers, valid, at }
    seen: new Map(), // event id -> envelope (first arrival)
    order: [], // event ids in first-arrival order
    bad: [], // signature failures
    server: null,
    port,
    get url() { return `http://127.0.0.1:${this.port}/hook`; },
  };
  const handler = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const why = verifySignature(req.headers['custodian-signature'], body, r.secret);
      let env = null;
      try { env = JSON.parse(body.toString('utf8')); } catch { env = null; }
      r.requests.push({ id: env?.id, event: env?.event, env, headers: req.headers, valid: !why, at: Date.now() });
      if (why || !env) {
        r.bad.push(why || 'not JSON');
        res.writeHead(400).end('bad');
        return;
      }
      const mode = r.mode;
      if (mode === 'slow' || mode === 'garbage') await new Promise((ok) => setTimeout(ok, r.delayMs));
      if (mode === 'garbage') {
        res.writeHead(500, { 'Content-Type': 'application/octet-stream' });
        res.end(Buffer.concat([Buffer.from('\u0000\u0001garbage\u00ff\n'), Buffer.alloc(2000, 0x41)]));
        return;
      }
      if (mode === 'hang-once') {
        // hold the first request, never answer it: the sender gives up or dies
        r.mode = 'ok';
        r.held = { id: env.id, req, res };
        return;
      }
      if (!r.seen.has(env.id)) {
        r.seen.set(env.id, env);
        r.order.push(env.id);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  };
  r.start = () => new Promise((ok, fail) => {
    r.server = createServer(handler);
    r.server.keepAliveTimeout = 5000;
    r.server.once('error', fail);
    r.server.listen(r.port, '127.0.0.1', () => {
      r.port = r.server.address().port;
      ok();
    });
  });
  r.stop = () => new Promise((ok) => {
    if (!r.server) return ok();
    r.server.closeAllConnections?.();
    r.server.close(() => ok());
    r.server = null;
  });
  /** Events (first arrivals) of these customers, in arrival order. */
  r.eventsOf = (customerIds) => {
    const set = new Set(customerIds);
    return r.order.map((id) => r.seen.get(id)).filter((e) => set.has(e.data?.customerId));
  };
  await r.start();
  return r;
}
