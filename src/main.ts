// First: the Trusted Types default policy, before any other module runs (docs/SECURITY.md).
import './security/install-default-policy.ts';
// Second: the search worker and the database connection start while the rest of the app is evaluated.
import { APP_MANIFEST_URL, bootedDb, bootedSearch } from './app/boot.ts';
import { mount } from 'svelte';
import App from './app/App.svelte';
import './app/global.css';
import { APP_DB_NAME } from './storage/db.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
target.textContent = '';
mount(App, { target, props: { manifestUrl: APP_MANIFEST_URL, dbName: APP_DB_NAME, bootedSearch, bootedDb } });
