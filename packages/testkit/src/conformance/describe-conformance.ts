import { AssertionError } from 'node:assert';
import { E_UNEXPECTED, WiaError } from '@openwia/core';
import { CONFORMANCE_RULES } from './rules.js';
import { runConformance, type ConformanceReport } from './run-conformance.js';
import type { ConformanceOptions, ConformanceTarget } from './target.js';

/** Options of {@link describeConformance}. */
export interface DescribeConformanceOptions extends ConformanceOptions {
  /** Mocha timeout of the whole run (it happens once, in a `before` hook), ms; default 120000. */
  timeoutMs?: number;
  /** Receives the report once the run is over (e.g. to print the latency figures). */
  onReport?: (report: ConformanceReport) => void;
}

/**
 * Registers the conformance suite with mocha: one `describe(name)` holding
 * one `it` per rule, each failing with the rule's reason. The suite runs
 * once, in a `before` hook; `OPENWIA_DEVICE` points it at real hardware, as
 * for {@link runConformance}. Call it at the top level of a test file:
 *
 * ```ts
 * import { describeConformance } from '@openwia/testkit';
 * describeConformance('my scanner plugin', { plugin: MyScannerDriver, device: () => createMyVirtualScanner() });
 * ```
 *
 * `target` may also be a function returning the target (called in the hook).
 */
export function describeConformance(name: string, target: ConformanceTarget | (() => ConformanceTarget | Promise<ConformanceTarget>), options: DescribeConformanceOptions = {}): void {
  if (typeof describe !== 'function' || typeof it !== 'function' || typeof before !== 'function') {
    throw new WiaError(E_UNEXPECTED, 'describeConformance registers mocha tests: call it from a test file that mocha loads');
  }
  describe(name, function () {
    let report: ConformanceReport | undefined;
    before(async function () {
      this.timeout(options.timeoutMs ?? 120_000);
      const resolved = typeof target === 'function' ? await target() : target;
      report = await runConformance(resolved, options);
      options.onReport?.(report);
    });
    for (const rule of CONFORMANCE_RULES) {
      it(`${rule.id}: ${rule.title}`, function () {
        const result = report?.rules.find((r) => r.id === rule.id);
        if (!result) throw new AssertionError({ message: `${rule.id}: the suite did not run` });
        if (!result.passed) throw new AssertionError({ message: `${rule.id}: ${result.why}` });
      });
    }
  });
}
