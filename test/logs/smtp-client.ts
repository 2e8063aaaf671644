/**
 * A minimal SMTP client for the log-trail tests: one session (EHLO, MAIL, RCPT, DATA, QUIT)
 * against a private instance's smtpd, so its log shows a real session with a client and a
 * HELO name. Each command waits for the final line of the previous reply.
 */
import { Socket } from 'node:net';

export function sendOverSmtp(port: number, helo: string, from: string, to: string, body: string): Promise<string[]> {
  const commands = [`EHLO ${helo}`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA', `${body.replace(/\n/g, '\r\n')}\r\n.`, 'QUIT'];
  return new Promise((resolve, reject) => {
    const replies: string[] = [];
    const socket = new Socket();
    let buffered = '';
    let next = 0;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      buffered += data;
      const lines = buffered.split('\r\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        replies.push(line);
        if (!/^\d{3} /.test(line)) continue;
        if (/^[45]/.test(line)) return reject(new Error(`smtpd refused: ${line}`)), socket.destroy();
        if (next < commands.length) socket.write(`${commands[next++]}\r\n`);
      }
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(replies));
    socket.connect(port, '127.0.0.1');
  });
}
