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

export interface PickerViewSpec<L> {
  id: string;
  title: string;
  roles: View['roles'];
  heading: string;
  /** The select's id and form name, and the text before it. */
  picker: { name: string; label: string };
  /** The id of the element `show` draws in: its `data-item` names the item, `data-state="ready"` once drawn. */
  bodyId: string;
  list: () => Promise<PickerList<L>>;
  show: (id: string, body: HTMLElement, listing: L) => Promise<void>;
  /** Whether a live event concerns the item shown, which is then drawn again. */
  concerns?: (event: string, data: unknown, shown: string) => boolean;
  /** Draw again only once the events have paused this long (one redraw for a burst that all concern the item). */
  settleMs?: number;
}

export function pickerView<L>(spec: PickerViewSpec<L>): View {
  let selected: string | undefined;
  let redraw: (() => void) | undefined;
  let settle: ReturnType<typeof setTimeout> | undefined;
  return {
    id: spec.id,
    title: spec.title,
    roles: spec.roles,
    async render(_who, root) {
      const { ids, text, first, listing } = await spec.list();
      const body = h('div', { id: spec.bodyId });
      const pick = select({ id: spec.picker.name, name: spec.picker.name }, ids, text);
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
      root.append(h('h1', {}, spec.heading), field(spec.picker.label, pick), body);
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
