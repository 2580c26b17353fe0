/**
 * Watches a page for what a payload or a policy break would do (security.spec.ts, hostile.spec.ts):
 * CSP and Trusted Types violations (securitypolicyviolation events and console messages), dialogs
 * (alert/confirm/prompt/print are replaced by recorders before any script runs, and page.on('dialog')
 * counts too), the `window.__pwned` canary, and requests to any origin other than the app's.
 */
import type { Page } from '@playwright/test';

/** Set by the canary payloads of the hostile corpus, should one ever run. */
export const CANARY = '__pwned';

/** Console text of a CSP or Trusted Types report (Chromium's wording). */
const POLICY_CONSOLE = /Content.Security.Policy|Trusted ?Type|TrustedHTML|TrustedScript|Refused to/i;

export interface Guard {
  /** Everything that went wrong so far, as lines: empty means inert and within policy. */
  problems(): Promise<string[]>;
  /** Only the CSP / Trusted Types violations (events and console). */
  violations(): Promise<string[]>;
}

interface Recorded {
  violations: string[];
  dialogs: string[];
}

/** `origins`: where requests may go (the app's origin); any other is reported. */
export async function guardPage(page: Page, origins: readonly string[]): Promise<Guard> {
  const consoleViolations: string[] = [];
  const nativeDialogs: string[] = [];
  const foreign: string[] = [];
  const errors: string[] = [];
  await page.addInitScript((canary: string) => {
    const recorded = { violations: [] as string[], dialogs: [] as string[] };
    Object.defineProperty(window, '__folioGuard', { value: recorded });
    document.addEventListener('securitypolicyviolation', (event) => {
      recorded.violations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`,
      );
    });
    const record =
      (name: string) =>
      (...args: unknown[]): undefined => {
        recorded.dialogs.push(`${name}(${args.map(String).join(', ')})`);
        (window as unknown as Record<string, unknown>)[canary] = `${name} called`;
        return undefined;
      };
    for (const name of ['alert', 'confirm', 'prompt', 'print'] as const) {
      Object.defineProperty(window, name, { value: record(name), configurable: false, writable: false });
    }
  }, CANARY);
  page.on('console', (message) => {
    if (POLICY_CONSOLE.test(message.text())) consoleViolations.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    if (POLICY_CONSOLE.test(error.message)) errors.push(`page error: ${error.message}`);
  });
  page.on('dialog', (dialog) => {
    nativeDialogs.push(`native ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:')) return;
    if (!origins.includes(new URL(url).origin)) foreign.push(`request to ${url}`);
  });

  const recorded = async (): Promise<Recorded> => {
    const frames = await Promise.all(
      page
        .frames()
        .map((frame) =>
          frame
            .evaluate(() => (window as unknown as { __folioGuard?: Recorded }).__folioGuard ?? null)
            .catch(() => null),
        ),
    );
    return {
      violations: frames.flatMap((f) => f?.violations ?? []),
      dialogs: frames.flatMap((f) => f?.dialogs ?? []),
    };
  };
  const violations = async (): Promise<string[]> => [...(await recorded()).violations, ...consoleViolations, ...errors];
  return {
    violations,
    async problems() {
      const { dialogs } = await recorded();
      const canaries = await Promise.all(
        page
          .frames()
          .map((frame) =>
            frame
              .evaluate((canary) => (window as unknown as Record<string, unknown>)[canary] ?? null, CANARY)
              .catch(() => null),
          ),
      );
      return [
        ...(await violations()),
        ...dialogs.map((d) => `dialog: ${d}`),
        ...nativeDialogs,
        ...canaries.filter((c) => c !== null).map((c) => `canary ${CANARY} = ${String(c)}`),
        ...foreign,
      ];
    },
  };
}
