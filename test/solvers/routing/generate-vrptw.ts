// Small Solomon-format VRPTW instances built around a known feasible plan, so a test knows one solution that keeps
// every window and how much it costs (in the DIMACS convention: distances and times ×10, truncated).

export interface GeneratedVrptw {
  readonly text: string;
  /** Routes of the plan the windows were cut around (customer numbers 1..n). */
  readonly plan: number[][];
  /** Travel cost of `plan` in the file's cost convention. */
  readonly planCost: number;
}

export function randomSolomon(opts: {
  name: string;
  n: number;
  seed: number;
  routes: number;
  vehicles: number;
  windowWidth: number;
}): GeneratedVrptw {
  let s = opts.seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const xs = [50];
  const ys = [50];
  const demand = [0];
  const service = [0];
  for (let c = 1; c <= opts.n; c++) {
    xs.push(Math.floor(rand() * 100));
    ys.push(Math.floor(rand() * 100));
    demand.push(1 + Math.floor(rand() * 20));
    service.push(10);
  }
  const scaled = (a: number, b: number): number => Math.floor(10 * Math.hypot(xs[a] - xs[b], ys[a] - ys[b]));
  // Deal customers round-robin into routes (within capacity by construction of `capacity`), then time each route.
  const plan: number[][] = Array.from({ length: opts.routes }, () => []);
  for (let c = 1; c <= opts.n; c++) plan[(c - 1) % opts.routes].push(c);
  const ready = [0];
  const due = [0];
  let planCost = 0;
  let latestReturn = 0;
  for (const route of plan) {
    let t = 0;
    let prev = 0;
    for (const c of route) {
      t += scaled(prev, c);
      planCost += scaled(prev, c);
      // The window (in file units, ×10 when read) holds the planned start of service, at a random place inside it.
      const start = Math.ceil(t / 10);
      const before = Math.floor(rand() * opts.windowWidth);
      ready[c] = Math.max(0, start - before);
      due[c] = start - before + opts.windowWidth;
      t = Math.max(t, 10 * ready[c]);
      t += 10 * service[c];
      prev = c;
    }
    t += scaled(prev, 0);
    planCost += scaled(prev, 0);
    latestReturn = Math.max(latestReturn, t);
  }
  due[0] = Math.ceil(latestReturn / 10) + 10;
  // The tightest capacity the plan keeps.
  const capacity = Math.max(...plan.map((r) => r.reduce((sum, c) => sum + demand[c], 0)));
  const rows = [
    '',
    'VEHICLE',
    'NUMBER     CAPACITY',
    `  ${opts.vehicles}         ${capacity}`,
    '',
    'CUSTOMER',
    'CUST NO.  XCOORD.    YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME',
    '',
  ];
  for (let c = 0; c <= opts.n; c++)
    rows.push(`${c} ${xs[c]} ${ys[c]} ${demand[c]} ${ready[c]} ${due[c]} ${service[c]}`);
  return { text: [opts.name, ...rows].join('\n') + '\n', plan, planCost };
}
