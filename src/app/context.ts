import { getContext, setContext } from 'svelte';
import type { Library } from '../state/library.svelte.ts';
import type { FolioNavigation } from '../state/navigation.svelte.ts';
import type { Settings } from '../state/settings.svelte.ts';
import type { UserData } from '../state/user-data.svelte.ts';
import type { SearchService } from '../state/search-service.svelte.ts';

/** What every view of one Folio instance shares. */
export interface FolioContext {
  settings: Settings;
  nav: FolioNavigation;
  library: Library;
  user: UserData;
  search: SearchService;
  /** Opens the keyboard shortcuts dialog. */
  showHelp: () => void;
}

const KEY = Symbol('folio');

export function setFolio(context: FolioContext): void {
  setContext(KEY, context);
}

export function getFolio(): FolioContext {
  const context = getContext<FolioContext | undefined>(KEY);
  if (!context) throw new Error('Folio components must be rendered inside App');
  return context;
}
