// Small random CVRP instances for the routing tests, written as VRPLIB text so they also exercise the reader.
export function randomVrplib(opts: {
  name: string;
  n: number;
  seed: number;
  capacity: number;
  distance?: number;
  serviceTime?: number;
}): string {
  let s = opts.seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const lines = [
    `NAME : ${opts.name}`,
    'TYPE : CVRP',
    `DIMENSION : ${opts.n + 1}`,
    'EDGE_WEIGHT_TYPE : EUC_2D',
    `CAPACITY : ${opts.capacity}`,
  ];
  if (opts.distance !== undefined) lines.push(`DISTANCE : ${opts.distance}`);
  if (opts.serviceTime !== undefined) lines.push(`SERVICE_TIME : ${opts.serviceTime}`);
  lines.push('NODE_COORD_SECTION');
  for (let i = 1; i <= opts.n + 1; i++) lines.push(`${i} ${Math.floor(rand() * 1000)} ${Math.floor(rand() * 1000)}`);
  lines.push('DEMAND_SECTION');
  for (let i = 1; i <= opts.n + 1; i++) lines.push(`${i} ${i === 1 ? 0 : 1 + Math.floor(rand() * 30)}`);
  lines.push('DEPOT_SECTION', '1', '-1', 'EOF');
  return lines.join('\n');
}
