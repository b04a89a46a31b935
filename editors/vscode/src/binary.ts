// Where the `testlens` binary is: the `testlens.server.path` setting, then a binary bundled in
// the extension (`bin/testlens`), then `PATH`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export interface ServerBinary {
  path: string;
  /** How it was found, for the log: "setting", "bundled" or "PATH". */
  source: 'setting' | 'bundled' | 'PATH';
}

export class BinaryNotFound extends Error {
  constructor(
    message: string,
    /** True when `testlens.server.path` names a file that is not there. */
    readonly fromSetting: boolean,
  ) {
    super(message);
  }
}

const exe = process.platform === 'win32' ? 'testlens.exe' : 'testlens';

export function findServerBinary(extensionPath: string): ServerBinary {
  const configured = vscode.workspace.getConfiguration('testlens').get<string | null>('server.path');
  if (configured) {
    const resolved = resolveUserPath(configured);
    if (!isExecutable(resolved)) {
      // A path the user set and that is wrong is an error to fix, not a reason to run another
      // binary behind their back.
      throw new BinaryNotFound(
        `testlens: the server binary set in "testlens.server.path" (${resolved}) does not exist or is not executable.`,
        true,
      );
    }
    return { path: resolved, source: 'setting' };
  }
  const bundled = path.join(extensionPath, 'bin', exe);
  if (isExecutable(bundled)) {
    return { path: bundled, source: 'bundled' };
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) {
      return { path: candidate, source: 'PATH' };
    }
  }
  throw new BinaryNotFound(
    'testlens: no `testlens` binary found (not set in "testlens.server.path", not bundled with the extension, not on PATH). ' +
      'Install it with `cargo install --path server/cli` from a clone of testlens, or set "testlens.server.path" to the binary.',
    false,
  );
}

/** `~` is the home directory; a relative path is taken from the first workspace folder. */
export function resolveUserPath(p: string): string {
  if (p === '~' || p.startsWith('~/')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (!path.isAbsolute(p)) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      p = path.join(folder.uri.fsPath, p);
    }
  }
  return p;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}
