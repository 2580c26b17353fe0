import { parseHash, type Route } from '../app/router.ts';
import type { EntrySnapshot, FolioNavigation } from '../state/navigation.svelte.ts';

/**
 * The widget's navigation: routes live in memory, never in the host's URL or history. Views and
 * links speak the app's route language (`#/article/<id>` hrefs), which the widget intercepts.
 */
export class MemoryNavigation implements FolioNavigation {
  route = $state.raw<Route>({ name: 'home' });
  visit = $state(0);
  /** True once the reader has navigated: only then may a view move focus (never on page load). */
  interacted = $state(false);
  readonly restoring: EntrySnapshot | null = null;

  constructor(initial: Route = { name: 'home' }) {
    this.route = initial;
  }

  /** Scroll and list sizes are the widget's own business (see WidgetApp), not the history's. */
  setShown(): void {}
  setExpanded(): void {}
  anchorWith(): () => void {
    return () => {};
  }
  settle(): void {}
  resumeAt(): void {}
  takeResume(): number | undefined {
    return undefined;
  }

  go(hash: string): void {
    this.show(parseHash(hash));
  }

  show(route: Route, byReader = true): void {
    this.route = route;
    this.visit += 1;
    if (byReader) this.interacted = true;
  }

  replace(hash: string): void {
    this.route = parseHash(hash);
  }

  home(): void {
    this.show({ name: 'home' });
  }

  /** The search box sits on the list: `/` has no page of its own to open in the widget. */
  openSearch(): void {
    if (this.route.name !== 'home') this.home();
  }
}
