/** The build-time kiosk setting (vite.config.ts envPrefix): `FOLIO_KIOSK=1 FOLIO_KIOSK_IDLE=120 npm run build`. */
interface ImportMetaEnv {
  readonly FOLIO_KIOSK?: string;
  readonly FOLIO_KIOSK_IDLE?: string;
}

/** simple-keyboard's modern ESM build: no polyfills, a third of the default bundle. Same API. */
declare module 'simple-keyboard/build/index.modern.esm.js' {
  export { default } from 'simple-keyboard';
}
