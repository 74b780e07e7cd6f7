// Prints "PASSED FAILED" from a Vitest JSON report (a missing or unreadable
// report counts as one failure).
//
//   node scripts/vitest-counts.mjs report.json
import { readFileSync } from 'node:fs';

/**
 * @param {string} text
 * @returns {{ passed: number, failed: number }}
 */
export function countsOf(text) {
  try {
    /** @type {{ numPassedTests?: number, numFailedTests?: number, success?: boolean }} */
    const report = JSON.parse(text);
    const passed = Number(report.numPassedTests ?? 0);
    let failed = Number(report.numFailedTests ?? 0);
    if (report.success === false && failed === 0) {
      failed = 1;
    }
    return { passed, failed };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let text = '';
  try {
    text = readFileSync(process.argv[2] ?? '', 'utf8');
  } catch {
    text = '';
  }
  const { passed, failed } = countsOf(text);
  console.log(`${String(passed)} ${String(failed)}`);
}
