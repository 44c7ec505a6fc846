// A view's choice of one item among many (an intersection, a corridor, a feeder, a depot): a labelled <select> that
// shows the chosen item, remembered so that the view opens on it again.
import { field, select } from './dom.js';

export class Picker {
  /** The item shown last; kept across renders of the view. */
  selected: string | undefined;

  /** `name` is the select's id and form name, `label` the text before it. */
  constructor(
    private readonly name: string,
    private readonly label: string,
  ) {}

  /**
   * A labelled select over `ids` (option texts from `text`) whose changes `show` displays, and the function that
   * selects an item and shows it (the first one, or again on a live update).
   */
  mount(
    ids: readonly string[],
    show: (id: string) => Promise<void>,
    text?: (id: string, i: number) => string,
  ): { label: HTMLLabelElement; choose: (id: string) => Promise<void> } {
    const pick = select({ id: this.name, name: this.name }, ids, text);
    const choose = (id: string) => {
      this.selected = id;
      pick.value = id;
      return show(id);
    };
    pick.addEventListener('change', () => void choose(pick.value));
    return { label: field(this.label, pick), choose };
  }
}
