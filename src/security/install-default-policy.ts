/**
 * Imported first by the pages Folio owns (src/main.ts, src/widget/embed.ts), so the `default` Trusted
 * Types policy exists before any module can reach a sink. The widget element itself never installs it:
 * a partner page keeps its own.
 */
import { installDefaultPolicy } from './trusted-types.ts';

installDefaultPolicy();
