/**
 * Where a bench run's wall-clock time goes: each phase (app build, a corpus's floor, cold visit,
 * queries…) is timed and logged as it ends, and summed into a table at the end (and the JSON).
 */
export interface PhaseTime {
  phase: string;
  /** The corpus it belongs to, or null for shared work (the app build). */
  corpus: string | null;
  s: number;
}

export type TimePhase = <T>(phase: string, work: () => Promise<T>) => Promise<T>;

export class Phases {
  readonly times: PhaseTime[] = [];

  constructor(private readonly log: (line: string) => void) {}

  async time<T>(phase: string, corpus: string | null, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const s = (performance.now() - started) / 1000;
      this.times.push({ phase, corpus, s });
      this.log(`phase ${corpus === null ? '' : `${corpus} `}${phase}: ${s.toFixed(1)} s`);
    }
  }

  /** A timer bound to one corpus, for code that measures it (measure.ts). */
  forCorpus(corpus: string): TimePhase {
    return (phase, work) => this.time(phase, corpus, work);
  }

  /** Seconds by phase (rows) and corpus (columns), with totals; rounded to 0.1 s. */
  table(): Record<string, Record<string, number>> {
    const corpora = [...new Set(this.times.map((t) => t.corpus ?? '(shared)'))];
    const rows: Record<string, Record<string, number>> = {};
    const round = (s: number): number => Math.round(s * 10) / 10;
    for (const t of this.times) {
      const row = (rows[t.phase] ??= Object.fromEntries([...corpora, 'all'].map((c) => [c, 0])));
      row[t.corpus ?? '(shared)']! += t.s;
      row.all! += t.s;
    }
    const total: Record<string, number> = Object.fromEntries([...corpora, 'all'].map((c) => [c, 0]));
    for (const row of Object.values(rows)) for (const c of Object.keys(row)) total[c]! += row[c]!;
    rows['(sum of phases)'] = total;
    for (const row of Object.values(rows)) for (const c of Object.keys(row)) row[c] = round(row[c]!);
    return rows;
  }
}
