// Contract of signal timing plans: the `urbanflow signal-plan` file format in, NTCIP-style plans and corridor offsets out.
import { Type } from '@sinclair/typebox';
import { CorridorPlanSchema, IntersectionPlanSchema } from '../../app/plans/schemas.js';
import { SignalsRequestSchema } from '../../../solvers/signals/request-schema.js';

/** The request is the CLI's file format, one schema for both (solvers/signals/request-schema.ts). */
export const SignalsRequest = SignalsRequestSchema;

/** The planner's output, as the live signal plans serve it too (one schema: app/plans/schemas.ts). */
export const SignalPlans = Type.Object({
  plans: Type.Array(IntersectionPlanSchema),
  corridors: Type.Array(CorridorPlanSchema),
});
