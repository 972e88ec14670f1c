// How a vitest JSON report counts in `npm test`'s `N passed, N failed` line.

/**
 * Passed and failed tests of one vitest JSON report. A file that failed with no failed test in it (a
 * beforeAll or an import that threw: its tests are reported as skipped) counts as one failed test, so the
 * summary line never says `0 failed` for a run that failed.
 * @param {{ numPassedTests: number, numFailedTests: number, testResults?: { status: string, assertionResults?: { status: string }[] }[] }} report
 */
export function vitestCounts(report) {
  const failedFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length;
  return { passed: report.numPassedTests, failed: report.numFailedTests + failedFiles };
}
