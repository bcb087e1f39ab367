import { connect, type Socket } from 'node:net';

/**
 * The benches' load balancer: keep-alive HTTP/1.1 connection pools to the BFF processes, round
 * robin, one request in flight per connection (as nginx or a cloud LB talks to its upstreams).
 * It writes each request as one buffer and reads only the status, Content-Length and body, because
 * the load generator shares the machine's two cores with what it measures: node's http client
 * spent ~0.2 ms of CPU per request here, as much as the BFF's own work on a queue join.
 */
export interface Answer {
  status: number;
  body: any;
}

interface Pending {
  head: Buffer;
  payload?: Buffer;
  resolve: (a: Answer) => void;
  retried: boolean;
}

class Conn {
  private buf: Buffer = Buffer.alloc(0);
  current: Pending | null = null;
  alive = true;

  constructor(
    private readonly socket: Socket,
    private readonly done: (c: Conn, answer: Answer | null) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.alive = false;
      this.done(this, null);
    });
  }

  send(p: Pending) {
    this.current = p;
    this.socket.write(p.payload ? Buffer.concat([p.head, p.payload]) : p.head);
  }

  private onData(chunk: Buffer) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) throw new Error(`bench load balancer: response without Content-Length: ${head.slice(0, 200)}`);
    const len = Number(m[1]);
    if (this.buf.length < end + 4 + len) return;
    const status = Number(head.slice(9, 12));
    const text = this.buf.toString('utf8', end + 4, end + 4 + len);
    this.buf = this.buf.subarray(end + 4 + len);
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    if (/\r\nconnection:\s*close/i.test(head)) {
      this.alive = false;
      this.socket.end();
    }
    this.done(this, { status, body });
  }
}

class Upstream {
  private readonly idle: Conn[] = [];
  private readonly queue: Pending[] = [];
  private open = 0;

  constructor(
    private readonly port: number,
    private readonly max: number,
  ) {}

  submit(p: Pending) {
    const c = this.idle.pop();
    if (c) c.send(p);
    else if (this.open < this.max) this.dial(p);
    else this.queue.push(p);
  }

  private dial(first: Pending) {
    this.open++;
    const socket = connect(this.port, '127.0.0.1');
    const conn = new Conn(socket, (c, answer) => this.finished(c, answer));
    socket.once('connect', () => conn.send(first));
    conn.current = first;
  }

  private finished(c: Conn, answer: Answer | null) {
    const p = c.current;
    c.current = null;
    if (answer && p) p.resolve(answer);
    if (!answer) {
      // The connection closed: a keep-alive connection the server closed while idle, or a
      // request cut off. Every bench call is safe to repeat; retry it once, as a load balancer does.
      this.open--;
      const i = this.idle.indexOf(c);
      if (i >= 0) this.idle.splice(i, 1);
      if (p && !p.retried) {
        p.retried = true;
        this.submit(p);
      } else if (p) p.resolve({ status: 0, body: { error: { code: 'NETWORK', message: 'connection closed' } } });
      if (this.queue.length && this.open < this.max) this.dial(this.queue.shift()!);
      return;
    }
    if (!c.alive) return;
    const next = this.queue.shift();
    if (next) c.send(next);
    else this.idle.push(c);
  }
}

export class LoadBalancer {
  private readonly upstreams: Upstream[];
  private rr = 0;

  constructor(ports: number[], connectionsPerUpstream: number) {
    this.upstreams = ports.map((p) => new Upstream(p, connectionsPerUpstream));
  }

  request(method: string, path: string, headers: Record<string, string | undefined>, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n`;
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) head += `${k}: ${v}\r\n`;
    if (payload) head += `content-type: application/json\r\ncontent-length: ${payload.length}\r\n`;
    else if (method !== 'GET') head += 'content-length: 0\r\n';
    head += '\r\n';
    const upstream = this.upstreams[this.rr++ % this.upstreams.length];
    return new Promise((resolve) => upstream.submit({ head: Buffer.from(head, 'latin1'), payload, resolve, retried: false }));
  }
}
