// The commands a README shows for a running server: every `curl` line of its shell blocks, and `open URL` lines.

export interface ReadmeCommand {
  /** 1-based line of the README where the command starts. */
  line: number;
  kind: 'curl' | 'open';
  /** The command as written, continuation lines joined. */
  text: string;
}

const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console', 'shell-session']);

/**
 * Commands in fenced shell blocks (```sh, ```bash, ```console…). In a transcript (`$ cmd` lines), only the prompted
 * lines are commands. Lines continued with a trailing backslash are joined.
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const out: ReadmeCommand[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const opening = /^\s*```\s*([\w-]*)/.exec(raw);
    if (opening) {
      fence = fence === null ? opening[1].toLowerCase() : null;
      continue;
    }
    if (fence === null || !SHELL_FENCES.has(fence)) continue;
    const start = i;
    let text = raw;
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = `${text.replace(/\\\s*$/, '')} ${lines[++i].trim()}`;
    text = text.trim();
    const transcript = /^\$\s+/.exec(text);
    if (fence === 'console' || fence === 'shell-session') {
      if (!transcript) continue;
    }
    if (transcript) text = text.slice(transcript[0].length);
    const word = text.split(/\s+/)[0];
    if (word === 'curl') out.push({ line: start + 1, kind: 'curl', text });
    else if (word === 'open' || word === 'xdg-open') out.push({ line: start + 1, kind: 'open', text });
  }
  return out;
}

/** The README's server address (`localhost:8080`, with or without a scheme) replaced by `base` (`http://127.0.0.1:PORT`). */
export function againstServer(command: string, base: string): string {
  return command.replace(/(?:https?:\/\/)?(?:localhost|127\.0\.0\.1):8080\b/g, base);
}

/** The HTTP method a curl command uses: -X/--request, else POST when it sends data, else GET. */
export function curlMethod(command: string): string {
  const explicit = /(?:^|\s)(?:-X|--request)\s*['"]?([A-Za-z]+)/.exec(command);
  if (explicit) return explicit[1].toUpperCase();
  return /(?:^|\s)(?:-d|--data(?:-binary|-raw|-urlencode)?|--json|-F|--form)(?:\s|=|@)/.test(command) ? 'POST' : 'GET';
}

/** The path and query a command asks for on `base`, or undefined. */
export function requestPath(command: string, base: string): string | undefined {
  const at = command.indexOf(base);
  if (at < 0) return undefined;
  const m = /^[^\s'"]*/.exec(command.slice(at + base.length));
  return m ? m[0] || '/' : undefined;
}
