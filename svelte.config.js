import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
    // The widget's root is compiled with customElement: true by vite.widget.config.ts only.
    warningFilter: (warning) =>
      !(warning.code === 'options_missing_custom_element' && warning.filename?.endsWith('FolioReader.svelte')),
  },
};
