// The embedded city simulator: the engine's default source of readings.
export { createSimulator, type Simulator } from './simulator.js';
export { DEFAULT_DISORDER, NO_DISORDER, type DisorderOptions, type SimulatorOptions } from './options.js';
export { temperatureFactor } from './power.js';
