// The README command parser: shell blocks and transcripts, continuation lines, methods and paths.
import { describe, expect, it } from 'vitest';
import { againstServer, curlMethod, readmeCommands, requestPath } from './readme-commands.js';

const md = [
  '# x',
  '```sh',
  'KEY=ufk_...   # the key',
  'curl localhost:8080/readyz',
  'curl -H "Authorization: Bearer $KEY" \'localhost:8080/v1/windows/a?limit=5\'   # five',
  'curl -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\',
  '  -d @examples/dispatch.json localhost:8080/v1/dispatch/plans',
  'open http://localhost:8080/docs   # the docs',
  '```',
  '```json',
  '{"curl": "not a command"}',
  '```',
  '```console',
  '$ curl -s localhost:8080/v1/signals/intersections/int-001/plan',
  'curl output that is not a command',
  '```',
].join('\n');

describe('readmeCommands', () => {
  it('finds curl and open lines of shell blocks and prompted transcript lines, joining continuations', () => {
    const cmds = readmeCommands(md);
    expect(cmds.map((c) => [c.line, c.kind])).toEqual([
      [4, 'curl'],
      [5, 'curl'],
      [6, 'curl'],
      [8, 'open'],
      [14, 'curl'],
    ]);
    expect(cmds[2].text).toBe(
      'curl -H "Authorization: Bearer $KEY" -H "Content-Type: application/json"  -d @examples/dispatch.json localhost:8080/v1/dispatch/plans',
    );
    expect(cmds[4].text).toBe('curl -s localhost:8080/v1/signals/intersections/int-001/plan');
  });

  it('points commands at a test server and reads their method and path', () => {
    const base = 'http://127.0.0.1:4321';
    const [, windows, dispatch, docs] = readmeCommands(md).map((c) => againstServer(c.text, base));
    expect(windows).toContain(`'${base}/v1/windows/a?limit=5'`);
    expect(requestPath(windows, base)).toBe('/v1/windows/a?limit=5');
    expect(curlMethod(windows)).toBe('GET');
    expect(curlMethod(dispatch)).toBe('POST');
    expect(curlMethod('curl -X DELETE x')).toBe('DELETE');
    expect(requestPath(docs, base)).toBe('/docs');
  });
});
