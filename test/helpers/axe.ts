/** axe-core in a Playwright page, evaluated over CDP so the page's strict CSP stays on. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation { id: string; impact: string | null; help: string; targets: string[] }

/**
 * Runs every axe rule and asserts no violation, or none of the given impacts. It also
 * asserts that axe really checked something, so an empty page cannot pass.
 */
export async function assertNoAxeViolations(page: Page, where: string, options: { impacts?: readonly string[] } = {}): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return {
      passed: r.passes.length as number,
      violations: r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n: any) => String(n.target)) })) as AxeViolation[],
    };
  });
  assert.ok(result.passed > 5, `${where}: axe checked the page`);
  const counted = options.impacts ? result.violations.filter((v) => options.impacts?.includes(v.impact ?? '')) : result.violations;
  assert.deepEqual(counted, [], `${where}: ${JSON.stringify(counted, null, 2)}`);
}
