import { Agent, createServer, get, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { drainHttpServer } from './graceful-shutdown.js';

/** A server whose answers take `delayMs`, on a free port. */
async function slowServer(delayMs: number): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function fetchVia(agent: Agent, port: number): Promise<{ status: number; connection: string | undefined } | { error: string }> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/', agent }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    }).on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

describe('drainHttpServer', () => {
  const agents: Agent[] = [];
  const servers: Server[] = [];
  afterEach(() => {
    for (const agent of agents.splice(0)) agent.destroy();
    for (const server of servers.splice(0)) server.closeAllConnections();
  });
  const keepAlive = () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  };

  it('lets the request in flight finish, then closes its keep-alive connection at once (not after keepAliveTimeout)', async () => {
    const { server, port } = await slowServer(300);
    servers.push(server);
    const agent = keepAlive();
    await fetchVia(agent, port);
    const inFlight = fetchVia(agent, port);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const cut = await drainHttpServer(server, Date.now() + 10_000);
    const took = Date.now() - started;
    expect(cut).toBe(0);
    expect(await inFlight).toMatchObject({ status: 200 });
    expect(server.listening).toBe(false);
    // Node alone keeps such a connection open for keepAliveTimeout (5 s) after its last answer.
    expect(took).toBeLessThan(server.keepAliveTimeout);
  });

  it('answers a request that arrives on a kept-alive connection while draining with Connection: close', async () => {
    const { server, port } = await slowServer(200);
    servers.push(server);
    // One raw connection: a request in flight when the drain starts, and a second one sent on the
    // same connection after it started (as a client reusing its connection would).
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const drained = drainHttpServer(server, Date.now() + 10_000);
    socket.write('GET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await ended;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(answers[1]).toMatch(/\r\nConnection: close\r\n/i);
    expect(await drained).toBe(0);
  });

  it('closes an idle keep-alive connection and refuses new connections', async () => {
    const { server, port } = await slowServer(0);
    servers.push(server);
    const agent = keepAlive();
    expect(await fetchVia(agent, port)).toMatchObject({ status: 200 });
    expect(await drainHttpServer(server, Date.now() + 10_000)).toBe(0);
    expect(await fetchVia(keepAlive(), port)).toEqual({ error: 'ECONNREFUSED' });
  });

  it('cuts what is still busy at the deadline', async () => {
    const { server, port } = await slowServer(60_000);
    servers.push(server);
    const stuck = fetchVia(keepAlive(), port);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    expect(await drainHttpServer(server, Date.now() + 300)).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stuck).toEqual({ error: 'ECONNRESET' });
  });
});
