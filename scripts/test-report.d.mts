type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: { status: string; assertionResults?: { status: string }[] }[];
};

export function vitestCounts(report: VitestReport): { passed: number; failed: number };
