// The default stream operators of a city, and validation of user-declared ones.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { configError } from '../errors.js';
import { AGGREGATES, type OperatorSpec } from '../stream/index.js';
import { METRIC_INDEX } from '../telemetry/index.js';

const MIN = 60_000;

export const DEFAULT_OPERATORS: OperatorSpec[] = [
  {
    name: 'detector-count-5m',
    metric: 'detector.count',
    keyBy: 'sensor',
    window: { type: 'tumbling', sizeMs: 5 * MIN },
    aggregates: ['sum', 'count'],
    allowedLatenessMs: 2 * MIN,
  },
  {
    name: 'lane-group-flow-5m',
    metric: 'detector.count',
    keyBy: 'laneGroup',
    window: { type: 'tumbling', sizeMs: 5 * MIN },
    aggregates: ['sum'],
    allowedLatenessMs: 2 * MIN,
  },
  {
    name: 'approach-speed-15m',
    metric: 'detector.speed',
    keyBy: 'approach',
    window: { type: 'tumbling', sizeMs: 15 * MIN },
    aggregates: ['mean', 'p50', 'p95', 'count'],
    allowedLatenessMs: 2 * MIN,
  },
  {
    name: 'feeder-kw-1h',
    metric: 'feeder.kw',
    keyBy: 'feeder',
    window: { type: 'hopping', sizeMs: 60 * MIN, slideMs: 15 * MIN },
    aggregates: ['mean', 'max', 'p95'],
    allowedLatenessMs: 5 * MIN,
  },
  {
    name: 'feeder-kw-30m',
    metric: 'feeder.kw',
    keyBy: 'feeder',
    window: { type: 'tumbling', sizeMs: 30 * MIN },
    aggregates: ['mean', 'min', 'max', 'variance'],
    allowedLatenessMs: 5 * MIN,
  },
  {
    name: 'bin-fill-latest',
    metric: 'bin.fill',
    keyBy: 'bin',
    window: { type: 'tumbling', sizeMs: 60 * MIN },
    aggregates: ['last', 'max'],
    allowedLatenessMs: 30 * MIN,
  },
  {
    name: 'dr-kw-sessions',
    metric: 'dr.kw',
    keyBy: 'resource',
    window: { type: 'session', gapMs: 10 * MIN },
    aggregates: ['count', 'mean', 'max'],
    allowedLatenessMs: 5 * MIN,
  },
  {
    name: 'temperature-1h-sliding',
    metric: 'weather.temp_c',
    keyBy: 'station',
    window: { type: 'sliding', sizeMs: 60 * MIN },
    aggregates: ['mean', 'min', 'max'],
    allowedLatenessMs: 5 * MIN,
  },
];

const Positive = Type.Integer({ minimum: 1 });
const OperatorSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-zA-Z0-9._-]+$' }),
    metric: Type.String(),
    keyBy: Type.String(),
    window: Type.Union([
      Type.Object(
        { type: Type.Literal('tumbling'), sizeMs: Positive, offsetMs: Type.Optional(Type.Integer({ minimum: 0 })) },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          type: Type.Literal('hopping'),
          sizeMs: Positive,
          slideMs: Positive,
          offsetMs: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
      Type.Object({ type: Type.Literal('sliding'), sizeMs: Positive }, { additionalProperties: false }),
      Type.Object({ type: Type.Literal('session'), gapMs: Positive }, { additionalProperties: false }),
    ]),
    aggregates: Type.Array(Type.Union(AGGREGATES.map((a) => Type.Literal(a))), { minItems: 1 }),
    allowedLatenessMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const OperatorsSchema = Type.Array(OperatorSchema, { minItems: 1, maxItems: 255 });
const checkOperators = TypeCompiler.Compile(OperatorsSchema);

/** Validates user-declared operators (a JSON array); errors name the field and what is allowed. */
export function parseOperators(json: unknown, groupings: readonly string[]): OperatorSpec[] {
  if (!checkOperators.Check(json)) {
    const errs = [...checkOperators.Errors(json)]
      .slice(0, 10)
      .map((e) => `operators${e.path.replaceAll('/', '.').replace(/\.(\d+)/g, '[$1]')}: ${e.message}`);
    throw configError(`invalid operator declarations:\n  ${errs.join('\n  ')}`);
  }
  const ops = json as Static<typeof OperatorsSchema>;
  const names = new Set<string>();
  ops.forEach((op, i) => {
    if (names.has(op.name)) throw configError(`operators[${i}].name: '${op.name}' is declared twice`);
    names.add(op.name);
    if (!METRIC_INDEX.has(op.metric))
      throw configError(
        `operators[${i}].metric: unknown metric '${op.metric}' (known: ${[...METRIC_INDEX.keys()].join(', ')})`,
      );
    if (!groupings.includes(op.keyBy))
      throw configError(
        `operators[${i}].keyBy: '${op.keyBy}' is not a grouping of the city (one of ${groupings.join(', ')})`,
      );
    if (op.window.type === 'hopping' && op.window.slideMs > op.window.sizeMs)
      throw configError(`operators[${i}].window.slideMs must not exceed sizeMs`);
  });
  return ops as OperatorSpec[];
}
