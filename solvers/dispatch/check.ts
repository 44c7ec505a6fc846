// Independent constraint checker for dispatch plans: re-derives every rule from the request, sharing no code with the solver.
import type { DispatchPlan } from './plan.js';
import type { DispatchRequest } from './request.js';

// The checker reads the request and the plan as plain JSON on purpose, sharing no types with the solver it checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;

const MIN = 60_000;

function intervalsOf(req: Any): Array<[number, number]> {
  if (req.intervals) return req.intervals.map((w: Any) => [Date.parse(w.start), Date.parse(w.end)]);
  const s = Date.parse(req.event.start);
  const len = req.event.intervalMinutes * MIN;
  return Array.from({ length: req.event.count }, (_, i) => [s + i * len, s + (i + 1) * len]);
}

const val = (v: number | number[], t: number) => (Array.isArray(v) ? v[t] : v);

/**
 * Returns a list of violated rules (empty when the plan is valid). `tol` is an absolute tolerance in kW / kWh / cost
 * units. It reads the request as plain data (the documented semantics, not the solver's model), so the service can
 * refuse a plan its solver got wrong.
 */
export function checkDispatchPlan(
  request: DispatchRequest | Record<string, unknown>,
  plan: DispatchPlan,
  tol = 1e-4,
): string[] {
  const req = request as Any;
  const errs: string[] = [];
  const bad = (msg: string) => errs.push(msg);
  const spans = intervalsOf(req);
  const n = spans.length;
  const h = spans.map(([s, e]) => (e - s) / 3_600_000);
  if (plan.intervals.length !== n) bad(`plan has ${plan.intervals.length} intervals, request ${n}`);
  spans.forEach(([s, e], t) => {
    if (Date.parse(plan.intervals[t].start) !== s || Date.parse(plan.intervals[t].end) !== e)
      bad(`interval ${t} differs from the request`);
  });
  const issued = req.issuedAt ? Date.parse(req.issuedAt) : spans[0][0];
  const penalty = req.shortfallPenaltyPerKWh ?? 1000;
  let cost = 0;
  const netByFeeder = new Map<string, number[]>();
  const delivered = new Array(n).fill(0);
  const planned = new Map(plan.resources.map((x) => [x.id, x]));

  for (const r of req.resources as Any[]) {
    const p = planned.get(r.id);
    if (!p) {
      bad(`resource ${r.id} missing from plan`);
      continue;
    }
    const sp = p.setpointKW;
    const id = r.id;
    const windows: Array<[number, number]> | undefined = r.availability?.map((w: Any) => [
      Date.parse(w.start),
      Date.parse(w.end),
    ]);
    const avail = spans.map(([s, e]) => {
      const inWindow = !windows || windows.some(([ws, we]) => ws <= s && e <= we);
      return inWindow && s >= issued + (r.noticeMinutes ?? 0) * MIN;
    });
    const net = sp.slice();
    let energy = 0;
    for (let t = 0; t < n; t++) {
      if (!avail[t] && Math.abs(sp[t]) > tol) bad(`${id}: setpoint ${sp[t]} in unavailable interval ${t}`);
      if (sp[t] > tol && !p.called[t]) bad(`${id}: reduces in interval ${t} without being called`);
    }
    if (r.kind === 'battery') {
      const eta = Math.sqrt(r.roundTripEfficiency ?? 1);
      let soc = r.socKWh;
      for (let t = 0; t < n; t++) {
        if (Math.abs(sp[t]) > r.powerKW + tol) bad(`${id}: |setpoint| ${sp[t]} above power at ${t}`);
        soc += sp[t] >= 0 ? (-sp[t] * h[t]) / eta : -sp[t] * h[t] * eta;
        if (soc < (r.minSocKWh ?? 0) - tol || soc > r.energyKWh + tol)
          bad(`${id}: state of charge ${soc} out of bounds at ${t}`);
        if (p.stateKWh && Math.abs(p.stateKWh[t] - soc) > tol * 10)
          bad(`${id}: reported state of charge ${p.stateKWh[t]} but setpoints give ${soc} at ${t}`);
        energy += Math.max(0, sp[t]) * h[t];
      }
    } else if (r.kind === 'hvac') {
      const maxMs = r.maxDurationMinutes * MIN;
      // the first interval that would take a shed starting at t past maxDuration closes the window; it never moves
      // back as t advances (intervals are sorted)
      let m = 0;
      for (let t = 0; t < n; t++) {
        if (sp[t] < -tol || sp[t] > r.shedKW + tol) bad(`${id}: shed ${sp[t]} outside [0, ${r.shedKW}] at ${t}`);
        energy += sp[t] * h[t];
        m = Math.max(m, t);
        while (m < n && spans[m][1] - spans[t][0] <= maxMs) m++;
        if (m < n) {
          let e = 0;
          for (let k = t; k <= m; k++) e += sp[k] * h[k];
          if (e > (r.shedKW * maxMs) / 3_600_000 + tol)
            bad(`${id}: ${e} kWh shed in the window from interval ${t}, above the duration limit`);
        }
      }
      // the payback of each interval's shed comes at an even rate over reboundMinutes (default 60) of wall time after
      // it; later intervals take what overlaps them, gaps and the time after the plan take the rest
      const frac = r.reboundFraction ?? 0;
      const spanMs = (r.reboundMinutes ?? 60) * MIN;
      for (let k = 0; k < n && frac > 0; k++) {
        const kW = (frac * sp[k] * h[k]) / (spanMs / 3_600_000);
        // intervals are sorted and disjoint (validation), so none after the first starting past the span overlaps it
        for (let j = k + 1; j < n && spans[j][0] < spans[k][1] + spanMs; j++) {
          const overlap = Math.min(spans[k][1] + spanMs, spans[j][1]) - Math.max(spans[k][1], spans[j][0]);
          if (overlap > 0) net[j] -= (kW * overlap) / 3_600_000 / h[j];
        }
      }
    } else if (r.kind === 'ev') {
      const deadline = Date.parse(r.deadline);
      const last = spans[n - 1][1];
      let owed = 0;
      let lastByDeadline = -1;
      spans.forEach(([, e], t) => {
        if (e <= deadline) lastByDeadline = t;
      });
      for (let t = 0; t < n; t++) {
        const b = val(r.baselineKW, t);
        const charge = b - sp[t];
        if (charge < -tol || charge > Math.max(b, r.maxChargeKW) + tol)
          bad(`${id}: charging ${charge} kW out of range at ${t}`);
        owed += sp[t] * h[t];
        if (owed < -tol || owed > r.shiftableKWh + tol) bad(`${id}: owes ${owed} kWh at ${t}, outside [0, shiftable]`);
        // a deadline at the event end is inside the plan: nothing may be owed when the last interval ends
        if (deadline <= last && t >= lastByDeadline && Math.abs(owed) > tol)
          bad(`${id}: still owes ${owed} kWh at interval ${t}, past the deadline`);
        energy += Math.max(0, sp[t]) * h[t];
      }
    } else if (r.kind === 'industrial') {
      for (let t = 0; t < n; t++) {
        if (sp[t] < -tol || sp[t] > r.maxKW + tol) bad(`${id}: curtailment ${sp[t]} outside [0, ${r.maxKW}] at ${t}`);
        if (p.called[t] && (r.minKW ?? 0) > 0 && sp[t] < r.minKW - tol) bad(`${id}: called at ${t} below minKW`);
        energy += sp[t] * h[t];
      }
    }
    // runs of calls: count, minimum run length
    let calls = 0;
    for (let t = 0; t < n; t++) {
      if (!p.called[t] || (t > 0 && p.called[t - 1])) continue;
      calls++;
      const minRun = r.kind === 'industrial' ? (r.minRunMinutes ?? 0) * MIN : 0;
      for (let k = t; k < n && spans[k][0] < spans[t][0] + minRun; k++)
        if (!p.called[k]) bad(`${id}: call at ${t} ends before its minimum run (interval ${k})`);
    }
    if (r.maxEvents !== undefined && calls > r.maxEvents) bad(`${id}: ${calls} calls, limit ${r.maxEvents}`);
    if (r.rampKWPerInterval !== undefined) {
      for (let t = 0; t < n; t++) {
        if (Math.abs(sp[t] - (t > 0 ? sp[t - 1] : 0)) > r.rampKWPerInterval + tol)
          bad(`${id}: ramp ${sp[t] - (t > 0 ? sp[t - 1] : 0)} above limit at ${t}`);
      }
    }
    const callCost =
      r.costPerCall !== undefined || r.maxEvents !== undefined || (r.minKW ?? 0) > 0 || (r.minRunMinutes ?? 0) > 0
        ? (r.costPerCall ?? 0) * calls
        : 0;
    const rc = (r.costPerKWh ?? 0) * energy + callCost;
    if (Math.abs(rc - p.cost) > tol * Math.max(1, rc)) bad(`${id}: cost ${p.cost} but setpoints cost ${rc}`);
    cost += rc;
    for (let t = 0; t < n; t++) {
      if (Math.abs(net[t] - p.netReductionKW[t]) > tol * 10)
        bad(`${id}: net reduction ${p.netReductionKW[t]} but rules give ${net[t]} at ${t}`);
      delivered[t] += net[t];
    }
    if (r.feeder) {
      const f = netByFeeder.get(r.feeder) ?? new Array(n).fill(0);
      for (let t = 0; t < n; t++) f[t] += net[t];
      netByFeeder.set(r.feeder, f);
    }
  }
  let penaltyCost = 0;
  for (let t = 0; t < n; t++) {
    const target = req.targetKW ? val(req.targetKW, t) : 0;
    const want = target > 0 ? Math.max(0, target - delivered[t]) : 0;
    if (Math.abs(plan.shortfallKW[t] - want) > tol * 10)
      bad(`interval ${t}: shortfall ${plan.shortfallKW[t]} but target minus delivered is ${want}`);
    // A shortfall or overage within the tolerance is numerically zero (an LP solver meets rows to ~1e-7 kW): no penalty.
    penaltyCost += penalty * (want > tol ? want : 0) * h[t];
  }
  for (const f of (req.feeders ?? []) as Any[]) {
    const net = netByFeeder.get(f.id) ?? new Array(n).fill(0);
    const fp = plan.feeders.find((x) => x.id === f.id);
    for (let t = 0; t < n; t++) {
      if (f.maxReductionKW !== undefined && net[t] > f.maxReductionKW + tol)
        bad(`feeder ${f.id}: reduction ${net[t]} above its limit at ${t}`);
      if (f.capKW !== undefined) {
        const over = Math.max(0, f.forecastKW[t] - net[t] - val(f.capKW, t));
        if (!fp?.shortfallKW || Math.abs(fp.shortfallKW[t] - over) > tol * 10)
          bad(`feeder ${f.id}: reports ${fp?.shortfallKW?.[t]} kW over cap, rules give ${over} at ${t}`);
        penaltyCost += penalty * (over > tol ? over : 0) * h[t];
      }
    }
  }
  if (Math.abs(plan.cost.total - cost) > tol * Math.max(1, cost))
    bad(`total cost ${plan.cost.total} but resources cost ${cost}`);
  const objective = cost + penaltyCost;
  // Setpoints are reported to 1e-6 kW, so where a target or cap is met exactly the shortfall recomputed here can be
  // off by the resources' rounding, each interval costing that at the penalty rate.
  const rounding =
    (req.resources.length + 1) *
    1e-6 *
    penalty *
    h.reduce((a: number, b: number) => a + b, 0) *
    (1 + (req.feeders?.length ?? 0));
  if (Math.abs(plan.objective - objective) > 1e-5 * Math.max(1, objective) + rounding)
    bad(`objective ${plan.objective} but cost + penalty is ${objective}`);
  const events = new Map(plan.events.map((e) => [e.targets[0].values[0], e]));
  for (const p of plan.resources) {
    const ev = events.get(p.id);
    const active = p.setpointKW.some((v) => v !== 0);
    if (active !== Boolean(ev))
      bad(`${p.id}: OpenADR event ${ev ? 'present' : 'missing'} for setpoints ${active ? 'non-zero' : 'all zero'}`);
    if (ev) {
      if (Date.parse(ev.intervalPeriod.start) !== spans[0][0])
        bad(`${p.id}: event starts at ${ev.intervalPeriod.start}`);
      ev.intervals.forEach((iv, t) => {
        if (iv.payloads[0].type !== 'DISPATCH_SETPOINT' || iv.payloads[0].values[0] !== p.setpointKW[t])
          bad(`${p.id}: event interval ${t} payload differs from setpoint`);
      });
    }
  }
  return errs;
}
