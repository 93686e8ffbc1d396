// A TCP proxy in front of a server, to take it "down" and bring it back while its clients keep their
// configured address: down resets every open connection and refuses new ones (RST), up forwards again.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  url(scheme?: string): string;
  down(): void;
  up(): void;
  readonly isDown: boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let isDown = false;
  const server = net.createServer((client) => {
    if (isDown) return void client.resetAndDestroy();
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (scheme = 'http') => `${scheme}://127.0.0.1:${port}`,
    down() {
      isDown = true;
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    },
    up() {
      isDown = false;
    },
    get isDown() {
      return isDown;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
