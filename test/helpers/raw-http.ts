/** Raw HTTP/1.1 over a socket, for requests fetch refuses to send (odd Host headers, none at all, huge headers). */
import { connect } from 'node:net';

export async function rawRequest(port: number, head: string, body = ''): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { data += d; });
    socket.on('error', reject);
    socket.on('end', () => {
      const [headers = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(`${head.replace(/\n/g, '\r\n')}\r\nConnection: close\r\n\r\n${body}`);
  });
}
