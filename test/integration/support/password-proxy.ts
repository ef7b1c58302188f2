import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the local Postgres that asks every client for a cleartext password, the
 * way RDS does for IAM authentication, records it, then hands the connection to the real server
 * (whose trust authentication lets it in). The local server never asks for a password, so without
 * this a test could not see what postgres.js sends for each connection.
 */
export interface PasswordProxy {
  port: number;
  /** The password of each connection, in the order they were received. */
  passwords: string[];
  close(): Promise<void>;
}

const AUTH_CLEARTEXT = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]); // 'R', length 8, code 3

export async function startPasswordProxy(upstream: { host: string; port: number }): Promise<PasswordProxy> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    let startup: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!startup) {
        // StartupMessage: int32 length (including itself), then the protocol and parameters.
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        startup = buffered.subarray(0, buffered.readInt32BE(0));
        buffered = buffered.subarray(startup.length);
        client.write(AUTH_CLEARTEXT);
      }
      // PasswordMessage: 'p', int32 length (including itself), NUL-terminated password.
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      const length = buffered.readInt32BE(1);
      passwords.push(buffered.subarray(5, 1 + length - 1).toString('utf8'));
      const rest = buffered.subarray(1 + length);
      client.off('data', onData);
      const server = connect(upstream.port, upstream.host, () => {
        server.write(startup as Buffer);
        if (rest.length) server.write(rest);
        client.pipe(server);
        server.pipe(client);
      });
      sockets.add(server);
      server.on('close', () => {
        sockets.delete(server);
        client.destroy();
      });
      server.on('error', () => client.destroy());
      client.on('close', () => server.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    passwords,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
