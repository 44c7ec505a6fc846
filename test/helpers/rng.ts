// The seeded generator of reproducible random test streams (mulberry32; see src/random.ts).
export { mulberry32 as rng } from '../../src/random.js';
