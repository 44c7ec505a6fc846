// The methods each path answers, for 405 Method Not Allowed with Allow (RFC 9110) and for OPTIONS.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { problemBody } from './problem.js';

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/v1/city/bins/:id` as a regular expression over request paths; `*` matches the rest. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

export class AllowedMethods {
  private readonly routes = new Map<string, PathMethods>();

  /** Records every route as it is added; call before any route is registered. */
  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const entry = this.routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const m of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(m);
      this.routes.set(route.url, entry);
    });
  }

  /** The methods some route answers at this path (without its query string), sorted; empty for an unknown path. */
  of(path: string): string[] {
    const out = new Set<string>();
    for (const r of this.routes.values()) if (r.pattern.test(path)) for (const m of r.methods) out.add(m);
    if (out.size > 0) out.add('OPTIONS');
    return [...out].sort();
  }
}

/**
 * The parser refuses a request whose method is no HTTP method at all before any route runs: it still gets a 405
 * with Allow when its path exists (the request line is read back from the raw bytes), else 400.
 */
export function clientErrorHandler(
  allowed: AllowedMethods,
): (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let detail = 'the request is not valid HTTP/1.1';
    const headers: string[] = [];
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      detail = 'the request headers are larger than the server accepts';
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      detail = 'the request did not arrive in time';
    } else if (err.code === 'HPE_INVALID_METHOD') {
      const line = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1').split('\r\n', 1)[0] : '';
      const [method, target] = line.split(' ');
      const path = (target ?? '').split('?')[0];
      const methods = path.startsWith('/') ? allowed.of(path) : [];
      if (methods.length > 0) {
        status = 405;
        detail = `${(method ?? '').slice(0, 32)} is not a method of ${path.slice(0, 200)}; it answers ${methods.join(', ')}`;
        headers.push(`Allow: ${methods.join(', ')}`);
      } else {
        detail = 'the request method is not an HTTP method';
      }
    }
    const body = JSON.stringify(problemBody(status === 405 ? 'method-not-allowed' : 'bad-request', status, detail));
    if (socket.writable) {
      const head = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        ...headers,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
      ];
      socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(err);
  };
}
