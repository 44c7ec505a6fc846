// The default stream operators of a city, and validation of user-declared ones.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { configError } from '../errors.js';
import { AGGREGATES, type AggregateName, type OperatorSpec, type WindowSpec } from '../stream/index.js';
import { METRIC_INDEX } from '../telemetry/index.js';

const MIN = 60_000;

const tumbling = (minutes: number): WindowSpec => ({ type: 'tumbling', sizeMs: minutes * MIN });
const hopping = (minutes: number, slideMinutes: number): WindowSpec => ({
  type: 'hopping',
  sizeMs: minutes * MIN,
  slideMs: slideMinutes * MIN,
});
const sliding = (minutes: number): WindowSpec => ({ type: 'sliding', sizeMs: minutes * MIN });
const session = (gapMinutes: number): WindowSpec => ({ type: 'session', gapMs: gapMinutes * MIN });

/** One default operator: a late reading still revises its window for `latenessMinutes` after the window closes. */
function operator(
  name: string,
  metric: string,
  keyBy: string,
  window: WindowSpec,
  aggregates: AggregateName[],
  latenessMinutes: number,
): OperatorSpec {
  return { name, metric, keyBy, window, aggregates, allowedLatenessMs: latenessMinutes * MIN };
}

/** Name, metric, grouping, window, aggregates, allowed lateness in minutes. */
export const DEFAULT_OPERATORS: OperatorSpec[] = [
  operator('detector-count-5m', 'detector.count', 'sensor', tumbling(5), ['sum', 'count'], 2),
  operator('lane-group-flow-5m', 'detector.count', 'laneGroup', tumbling(5), ['sum'], 2),
  operator('approach-speed-15m', 'detector.speed', 'approach', tumbling(15), ['mean', 'p50', 'p95', 'count'], 2),
  operator('feeder-kw-1h', 'feeder.kw', 'feeder', hopping(60, 15), ['mean', 'max', 'p95'], 5),
  operator('feeder-kw-30m', 'feeder.kw', 'feeder', tumbling(30), ['mean', 'min', 'max', 'variance'], 5),
  operator('bin-fill-latest', 'bin.fill', 'bin', tumbling(60), ['last', 'max'], 30),
  operator('dr-kw-sessions', 'dr.kw', 'resource', session(10), ['count', 'mean', 'max'], 5),
  operator('temperature-1h-sliding', 'weather.temp_c', 'station', sliding(60), ['mean', 'min', 'max'], 5),
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
