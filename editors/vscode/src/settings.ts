// The `testlens` settings section, in the shape the server reads (from `workspace/configuration`,
// `workspace/didChangeConfiguration` and `initializationOptions` alike).
import * as vscode from 'vscode';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface TestlensSettings {
  database: string | null;
  hints: { complexity: boolean; coverage: boolean; risk: boolean };
  risk: { threshold: number };
  flaky: { window: number; stableRuns: number };
  logLevel: LogLevel;
}

export function settingsFor(scope?: vscode.Uri): TestlensSettings {
  const c = vscode.workspace.getConfiguration('testlens', scope);
  return {
    database: c.get<string | null>('database') || null,
    hints: {
      complexity: c.get<boolean>('hints.complexity', true),
      coverage: c.get<boolean>('hints.coverage', true),
      risk: c.get<boolean>('hints.risk', true),
    },
    risk: { threshold: c.get<number>('risk.threshold', 0.5) },
    flaky: {
      window: c.get<number>('flaky.window', 30),
      stableRuns: c.get<number>('flaky.stableRuns', 30),
    },
    logLevel: c.get<LogLevel>('logLevel', 'info'),
  };
}
