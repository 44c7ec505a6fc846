// The urbanflow CLI: one commander program; each command lives in its own file under commands/.
import { Command } from 'commander';
import { isUrbanflowError } from '../errors.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('urbanflow')
    .description('Smart-city telemetry engine: windowed aggregates, forecasts, dispatch, routing and signal plans')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = 2;
      return;
    }
    if (isUrbanflowError(err)) {
      process.stderr.write(`urbanflow: ${err.code}: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
