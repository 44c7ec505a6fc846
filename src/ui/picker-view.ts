// A view that shows one item of a list at a time (an intersection, a corridor, a feeder, a depot): a labelled
// <select> over the list with the chosen item below it, remembered so that the view opens on it again, and drawn
// again when a live event concerns it.
import { field, h, select } from './dom.js';
import type { View } from './view.js';

/**
 * What the select offers: the items' ids, their option texts, and the item to open on when none was picked before or
 * the list no longer has the one picked (default: the first).
 */
export interface PickerList<L> {
  ids: readonly string[];
  text?: (id: string, i: number) => string;
  first?: string;
  /** What the list was read from, handed to `show` (capacities, statuses). */
  listing: L;
}

/** Where the view stands in the dashboard's menu, and who sees it. */
export type ViewEntry = Pick<View, 'id' | 'title' | 'roles'>;

export interface PickerViewSpec<L> {
  heading: string;
  /**
   * What one item is called: the select's id and form name, (capitalised) the text before it, and the id of the
   * element `show` draws in, `<item>-shown`: its `data-item` names the item, `data-state="ready"` once drawn.
   */
  item: string;
  list: () => Promise<PickerList<L>>;
  show: (id: string, body: HTMLElement, listing: L) => Promise<void>;
  /** Whether a live event concerns the item shown, which is then drawn again. */
  concerns?: (event: string, data: unknown, shown: string) => boolean;
  /** Draw again only once the events have paused this long (one redraw for a burst that all concern the item). */
  settleMs?: number;
}

export function pickerView<L>(entry: ViewEntry, spec: PickerViewSpec<L>): View {
  let selected: string | undefined;
  let redraw: (() => void) | undefined;
  let settle: ReturnType<typeof setTimeout> | undefined;
  return {
    ...entry,
    async render(_who, root) {
      const { ids, text, first, listing } = await spec.list();
      const body = h('div', { id: `${spec.item}-shown` });
      const pick = select({ id: spec.item, name: spec.item }, ids, text);
      const choose = async (id: string) => {
        selected = id;
        pick.value = id;
        body.setAttribute('data-item', id);
        body.removeAttribute('data-state');
        await spec.show(id, body, listing);
        // unless another item was chosen meanwhile
        if (body.getAttribute('data-item') === id) body.setAttribute('data-state', 'ready');
      };
      pick.addEventListener('change', () => void choose(pick.value));
      redraw = () => {
        if (selected !== undefined && body.isConnected) void choose(selected);
      };
      const label = `${spec.item[0].toUpperCase()}${spec.item.slice(1)} `;
      root.append(h('h1', {}, spec.heading), field(label, pick), body);
      // the item picked last, while the list still has it
      const opening = selected !== undefined && ids.includes(selected) ? selected : (first ?? ids[0]);
      if (opening !== undefined) await choose(opening);
    },
    update(event, data) {
      if (!spec.concerns || selected === undefined || !spec.concerns(event, data, selected)) return;
      if (spec.settleMs === undefined) return redraw?.();
      clearTimeout(settle);
      settle = setTimeout(() => redraw?.(), spec.settleMs);
    },
  };
}
