// The benchmarks by name; each takes its own flags and returns a flat object of figures.
export type Bench = (args: string[]) => Promise<Record<string, unknown>>;

export const benches: Record<string, Bench> = {};
