/**
 * Views loaded on first visit, not with the app: the first screen is a list or an article, and
 * every byte at start delays it (issue #7: app JS ≤ 60 KB gzip). The service worker precaches
 * these files like the rest, so they load offline too.
 */
export const searchPage = () => import('../ui/search/SearchPage.svelte').then((m) => m.default);
export const archivePage = () => import('../ui/library/ArchivePage.svelte').then((m) => m.default);
export const savedPage = () => import('../ui/library/SavedPage.svelte').then((m) => m.default);
export const settingsPage = () => import('../ui/settings/SettingsPage.svelte').then((m) => m.default);
