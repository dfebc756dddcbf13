/**
 * `npm run bench -- runtime [--json] [--messages N] [--repeat N]`: 1,000,000 messages through a chain
 * of 8 actors, four ways, plus a reference (see runtime-variants.ts). Each variant runs in a fresh child
 * process so its peak RSS is its own; `--repeat N` (default 3) interleaved rounds, medians reported.
 * Every variant runs with the same V8 flags as `troupe` itself (`--max-semi-space-size=32
 * --no-allocation-site-pretenuring`, from `npm run bench`; docs/runtime.md, "Memory").
 * One-message-per-send speeds swing ±20% between processes on a small VM; read the per-run figures in
 * `runsMsgsPerSec`. Ratios: unbatchedVsRawXstate = troupe-unbatched / raw-xstate
 * (goal ≥ 0.8), batchedVsFused = troupe-batched / fused (goal ≥ 0.5); `reference` splits the unbatched
 * gap into having mailboxes at all (minimal-mailbox / raw-xstate) and troupe's per-message bookkeeping.
 */
import { runFused, runMinimalMailbox, runRawXstate, runTroupe } from './runtime-variants.js';
import { inFreshProcess, median } from './fresh-process.js';

type Variant = 'troupe-unbatched' | 'troupe-batched' | 'raw-xstate' | 'fused' | 'minimal-mailbox';
const VARIANTS: Variant[] = ['troupe-unbatched', 'troupe-batched', 'raw-xstate', 'fused', 'minimal-mailbox'];

interface VariantResult {
  readonly variant: Variant;
  readonly messages: number;
  readonly seconds: number;
  readonly msgsPerSecond: number;
  readonly peakRssMb: number;
}

async function runVariant(variant: Variant, messages: number): Promise<VariantResult> {
  // Warm up the JIT on a slice of the work, then measure.
  const warmup = Math.min(50_000, Math.floor(messages / 10));
  const execute = async (count: number) => {
    if (variant === 'troupe-unbatched') await runTroupe(count, false);
    else if (variant === 'troupe-batched') await runTroupe(count, true);
    else if (variant === 'raw-xstate') runRawXstate(count);
    else if (variant === 'minimal-mailbox') await runMinimalMailbox(count);
    else runFused(count);
  };
  await execute(warmup);
  globalThis.gc?.();
  const started = process.hrtime.bigint();
  await execute(messages);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { variant, messages, seconds, msgsPerSecond: messages / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}


export async function benchRuntime(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const messages = flag('--messages', 1_000_000);
  const repeat = flag('--repeat', 3);
  const runs: Record<Variant, VariantResult[]> = { 'troupe-unbatched': [], 'troupe-batched': [], 'raw-xstate': [], fused: [], 'minimal-mailbox': [] };
  // Interleave the repetitions so that drift on the machine hits every variant alike.
  for (let round = 0; round < repeat; round += 1) {
    for (const variant of VARIANTS) {
      const result = inFreshProcess<VariantResult>(import.meta.url, [variant, String(messages)], '--variant');
      runs[variant].push(result);
      if (!json) console.log(`round ${round + 1}/${repeat} ${variant.padEnd(17)} ${Math.round(result.msgsPerSecond).toLocaleString('en-US').padStart(12)} msgs/s  ${result.seconds.toFixed(2)} s  peak RSS ${result.peakRssMb.toFixed(0)} MB`);
    }
  }
  const results = Object.fromEntries(VARIANTS.map((variant) => {
    const rates = runs[variant].map((run) => run.msgsPerSecond);
    return [variant, { msgsPerSecond: median(rates), peakRssMb: Math.max(...runs[variant].map((run) => run.peakRssMb)), all: rates }];
  })) as Record<Variant, { msgsPerSecond: number; peakRssMb: number; all: number[] }>;
  const rate = (variant: Variant) => results[variant].msgsPerSecond;
  const report = {
    bench: 'runtime',
    figures: {
      messages,
      repeat,
      statistic: 'median of interleaved runs, each in a fresh process',
      // Whatever `npm run bench` passed, less the bench's own `--expose-gc` and `--import tsx`.
      v8Flags: process.execArgv.filter((flag, index, all) => flag !== '--expose-gc' && flag !== '--import' && all[index - 1] !== '--import').join(' ') || 'defaults',
      stages: 8,
      batchSize: 1000,
      troupeUnbatchedMsgsPerSec: Math.round(rate('troupe-unbatched')),
      troupeBatchedMsgsPerSec: Math.round(rate('troupe-batched')),
      rawXstateMsgsPerSec: Math.round(rate('raw-xstate')),
      fusedMsgsPerSec: Math.round(rate('fused')),
      minimalMailboxMsgsPerSec: Math.round(rate('minimal-mailbox')),
      peakRssMb: Object.fromEntries(VARIANTS.map((variant) => [variant, Math.round(results[variant].peakRssMb)])),
      runsMsgsPerSec: Object.fromEntries(VARIANTS.map((variant) => [variant, results[variant].all.map(Math.round)])),
    },
    ratios: {
      unbatchedVsRawXstate: Number((rate('troupe-unbatched') / rate('raw-xstate')).toFixed(3)),
      batchedVsFused: Number((rate('troupe-batched') / rate('fused')).toFixed(3)),
    },
    // Where the unbatched gap sits: having mailboxes at all (minimal / raw) and troupe's own bookkeeping
    // per message (troupe / minimal). Informational: no goal.
    reference: {
      minimalMailboxVsRawXstate: Number((rate('minimal-mailbox') / rate('raw-xstate')).toFixed(3)),
      unbatchedVsMinimalMailbox: Number((rate('troupe-unbatched') / rate('minimal-mailbox')).toFixed(3)),
    },
    goals: { unbatchedVsRawXstate: 0.8, batchedVsFused: 0.5 },
  };
  console.log(JSON.stringify(report));
}

if (process.argv[2] === '--variant') {
  const result = await runVariant(process.argv[3] as Variant, Number(process.argv[4]));
  console.log(JSON.stringify(result));
}
