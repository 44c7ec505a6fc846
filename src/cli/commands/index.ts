// The list of CLI commands; each module registers one command on the program.
import { registerRouteCommand } from './route.js';
import type { Command } from 'commander';
import { registerCityCommand } from './city.js';
import { registerSimulateCommand } from './simulate.js';
import { registerForecastCommand } from './forecast.js';
import { registerBacktestCommand } from './backtest.js';
import { registerDispatchCommand } from './dispatch.js';
import { registerSignalPlanCommand } from './signal-plan.js';
import { registerRunCommand } from './run.js';
import { registerKeysCommand } from './keys.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerRunCommand,
  registerForecastCommand,
  registerBacktestCommand,
  registerRouteCommand,
  registerCityCommand,
  registerSimulateCommand,
  registerDispatchCommand,
  registerSignalPlanCommand,
  registerKeysCommand,
];
