// What a view is: a page of the dashboard for some roles, rendered from the API and fed by live updates.
export type Role = 'utility' | 'waste-contractor' | 'traffic-center' | 'operator';

export interface Who {
  role: Role;
  tenant: string;
  /** A waste contractor's depots (from its key's scope). */
  depots: string[];
}

export interface WindowRow {
  operator: string;
  key: string;
  start: number;
  end: number;
  values: Record<string, number | null>;
}

export interface View {
  id: string;
  title: string;
  roles: Role[];
  render: (who: Who, root: HTMLElement) => Promise<void>;
  /** Live events while the view is shown. */
  update?: (event: string, data: unknown) => void;
}
