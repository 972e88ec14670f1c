export function formatLogLine(line: string, options?: { color?: boolean }): string;
