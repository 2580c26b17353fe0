// First: the Trusted Types default policy, before any other module runs (docs/SECURITY.md).
import './security/install-default-policy.ts';
import { mount } from 'svelte';
import App from './app/App.svelte';
import './app/global.css';
import { APP_DB_NAME } from './storage/db.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
target.textContent = '';
const manifestUrl = new URL('corpus/manifest.json', document.baseURI).href;
mount(App, { target, props: { manifestUrl, dbName: APP_DB_NAME } });
