// The testlens VS Code extension: starts `testlens lsp`, hands it the `testlens` settings, and
// adds three commands and a status-bar item. Every analysis happens in the server.
import { execFile } from 'child_process';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ErrorCodes,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Location as LspLocation,
  Position as LspPosition,
  ResponseError,
  ServerOptions,
} from 'vscode-languageclient/node';
import { BinaryNotFound, findServerBinary, resolveUserPath, ServerBinary } from './binary';
import { settingsFor } from './settings';

/** The languages the server analyses (VS Code language ids). */
export const LANGUAGES = [
  'rust',
  'python',
  'go',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
];

/** The server's command that lists the tests covering the function at a position. */
const COVERING_TESTS = 'testlens.coveringTests';

interface FileSummary {
  coverage: number | null;
  tests: number;
  flaky: number;
  broken: number;
}

let client: LanguageClient | undefined;
let binary: ServerBinary | undefined;
let output: vscode.OutputChannel;
let summary: SummaryItem;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('testlens');
  summary = new SummaryItem();
  context.subscriptions.push(output, summary);
  void vscode.commands.executeCommand('setContext', 'testlens.languages', LANGUAGES);

  context.subscriptions.push(
    vscode.commands.registerCommand('testlens.ingest', (...args: unknown[]) => ingest(args)),
    vscode.commands.registerCommand(
      'testlens.showCoveringTests',
      (uri?: string, position?: LspPosition, locations?: LspLocation[]) =>
        showCoveringTests(uri, position, locations),
    ),
    vscode.commands.registerCommand('testlens.restartServer', () => restart(context)),
    vscode.commands.registerCommand('testlens.showLog', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('testlens.server.path')) {
        const choice = await vscode.window.showInformationMessage(
          'testlens: the server path changed. Restart the server to use it?',
          'Restart',
        );
        if (choice === 'Restart') {
          await restart(context);
        }
      }
    }),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  try {
    binary = findServerBinary(context.extensionPath);
  } catch (err) {
    binary = undefined;
    if (err instanceof BinaryNotFound) {
      output.appendLine(err.message);
      const actions = ['Open Settings', 'How to install'];
      void vscode.window.showErrorMessage(err.message, ...actions).then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'testlens.server.path');
        } else if (choice === 'How to install') {
          // The extension's README says how to install the binary; it ships in the package.
          const readme = vscode.Uri.joinPath(context.extensionUri, 'README.md');
          void vscode.commands.executeCommand('markdown.showPreview', readme);
        }
      });
      return;
    }
    throw err;
  }
  output.appendLine(`testlens: starting ${binary.path} lsp (found by ${binary.source})`);

  const logLevel = settingsFor().logLevel;
  const run = {
    command: binary.path,
    args: ['lsp'],
    options: { env: { ...process.env, TESTLENS_LOG: process.env.TESTLENS_LOG ?? logLevel } },
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    outputChannel: output,
    initializationOptions: settingsFor(),
    synchronize: { configurationSection: 'testlens' },
    middleware: {
      // The server asks VS Code to refresh hints and lenses when the history changes (an
      // ingest from anywhere); VS Code then asks for them again. That is the moment the
      // status-bar summary of the file may have changed too.
      provideInlayHints: (document, range, token, next) => {
        summary.refreshFor(document);
        return next(document, range, token);
      },
      provideCodeLenses: (document, token, next) => {
        summary.refreshFor(document);
        return next(document, token);
      },
      workspace: {
        // The server reads exactly the documented shape, whatever else lives under `testlens.*`
        // (the server path, the trace setting).
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (answers instanceof ResponseError || !Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) =>
            item.section === 'testlens'
              ? settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answers[i],
          );
        },
        didChangeConfiguration: async () => {
          await client?.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { testlens: settingsFor() },
          });
          summary.refresh();
        },
      },
    },
  };
  client = new LanguageClient('testlens', 'testlens', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    output.appendLine(`testlens: the server did not start: ${String(err)}`);
    void vscode.window.showErrorMessage(
      `testlens: the server (${binary.path}) did not start. See the output channel "testlens".`,
      'Show log',
    ).then((c) => c && output.show(true));
    return;
  }
  summary.attach(client);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  summary.detach();
  if (client) {
    const old = client;
    client = undefined;
    try {
      await old.stop();
    } catch (err) {
      output.appendLine(`testlens: stopping the server failed: ${String(err)}`);
    }
  }
  await start(context);
}

// --- Ingest report… ----------------------------------------------------------------------

/** Runs `testlens ingest [--db <database>] <files…>` in the workspace folder of the reports. */
async function ingest(args: unknown[]): Promise<void> {
  // Other extensions and tests may pass the reports; people pick them.
  let picked = args.flat().filter((a): a is vscode.Uri => a instanceof vscode.Uri);
  if (picked.length === 0) {
    picked =
      (await vscode.window.showOpenDialog({
        canSelectMany: true,
        canSelectFiles: true,
        canSelectFolders: true,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        openLabel: 'Ingest',
        title:
          'testlens: reports to ingest (JUnit XML, go test -json, lcov, Cobertura, coverage.py JSON, Go coverprofile)',
      })) ?? [];
  }
  if (picked.length === 0) {
    return;
  }
  const bin = binary?.path;
  if (!bin) {
    void vscode.window.showErrorMessage('testlens: no server binary, so nothing can ingest. See "testlens.server.path".');
    return;
  }
  const folder =
    vscode.workspace.getWorkspaceFolder(picked[0]) ?? vscode.workspace.workspaceFolders?.[0];
  const cwd = folder?.uri.fsPath;
  const database = settingsFor(folder?.uri).database;
  const argv = ['ingest', ...(database ? ['--db', resolveDb(database)] : []), ...picked.map((u) => u.fsPath)];
  output.appendLine(`$ ${[bin, ...argv].join(' ')}${cwd ? `   (in ${cwd})` : ''}`);

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'testlens: ingesting reports…' },
    () =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(bin, argv, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
  );
  if (result.stdout) {
    output.append(result.stdout.endsWith('\n') ? result.stdout : result.stdout + '\n');
  }
  if (result.stderr) {
    output.append(result.stderr.endsWith('\n') ? result.stderr : result.stderr + '\n');
  }
  const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
  if (result.code === 0) {
    const said = lastLine(result.stdout) || `${picked.length} file(s)`;
    void vscode.window.showInformationMessage(`testlens: ingested. ${said}`, 'Show output').then(
      (c) => c && output.show(true),
    );
    summary.refresh();
  } else {
    const said = lastLine(result.stderr) || lastLine(result.stdout);
    void vscode.window.showErrorMessage(
      `testlens ingest failed (exit ${result.code}): ${said}`,
      'Show output',
    ).then((c) => c && output.show(true));
  }

  function resolveDb(db: string): string {
    return db === '~' || db.startsWith('~/') ? resolveUserPath(db) : db;
  }
}

// --- Show covering tests -----------------------------------------------------------------

/**
 * With arguments (from a code lens: uri, position, locations in LSP shapes) it shows those
 * locations; without, it asks the server for the tests covering the function at the cursor.
 */
async function showCoveringTests(
  uri?: string,
  position?: LspPosition,
  locations?: LspLocation[],
): Promise<void> {
  const c = client;
  if (!c) {
    void vscode.window.showErrorMessage('testlens: the server is not running.');
    return;
  }
  if (uri === undefined || position === undefined || locations === undefined) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('testlens: open a file and put the cursor in a function.');
      return;
    }
    const commands = c.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    if (!commands.includes(COVERING_TESTS)) {
      void vscode.window.showWarningMessage(
        'testlens: this server cannot list covering tests (it does not offer testlens.coveringTests). Update testlens.',
      );
      return;
    }
    uri = c.code2ProtocolConverter.asUri(editor.document.uri);
    position = c.code2ProtocolConverter.asPosition(editor.selection.active);
    try {
      locations =
        ((await c.sendRequest(ExecuteCommandRequest.type, {
          command: COVERING_TESTS,
          arguments: [uri, position],
        })) as LspLocation[] | null) ?? [];
    } catch (err) {
      void vscode.window.showErrorMessage(`testlens: covering tests failed: ${errorMessage(err)}`);
      return;
    }
  }
  if (locations.length === 0) {
    void vscode.window.showInformationMessage(
      'testlens: no test in the history covers this function. Ingest a coverage report with per-test data first.',
    );
    return;
  }
  const p2c = c.protocol2CodeConverter;
  await vscode.commands.executeCommand(
    'editor.action.showReferences',
    p2c.asUri(uri),
    p2c.asPosition(position),
    locations.map((l) => p2c.asLocation(l)),
  );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// --- Status bar --------------------------------------------------------------------------

/**
 * "$(beaker) 72% · 1 flaky" for the active file, from the server's `testlens/fileSummary`. Hidden
 * for other files, and for good once the server answers that it does not know the request.
 */
class SummaryItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('testlens.summary', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private supported = true;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor() {
    this.item.name = 'testlens: coverage and flaky tests';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidSaveTextDocument((d) => d === vscode.window.activeTextEditor?.document && this.refresh()),
      // The server refreshes diagnostics when the history changes (an ingest from anywhere):
      // the summary of the file is likely to have changed with them.
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) {
          this.refresh();
        }
      }),
    );
  }

  attach(client: LanguageClient): void {
    this.client = client;
    this.supported = true;
    this.refresh();
  }

  detach(): void {
    this.client = undefined;
    this.item.hide();
  }

  /** Refreshes when `document` is the active editor's. */
  refreshFor(document: vscode.TextDocument): void {
    if (document === vscode.window.activeTextEditor?.document) {
      this.refresh();
    }
  }

  refresh(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.update(), 250);
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const doc = vscode.window.activeTextEditor?.document;
    const c = this.client;
    if (!c || !this.supported || !doc || doc.uri.scheme !== 'file' || !LANGUAGES.includes(doc.languageId)) {
      this.item.hide();
      return;
    }
    let s: FileSummary | null;
    try {
      s = await c.sendRequest<FileSummary | null>('testlens/fileSummary', {
        textDocument: { uri: c.code2ProtocolConverter.asUri(doc.uri) },
      });
    } catch (err) {
      if (err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound) {
        this.supported = false;
        output.appendLine('testlens: the server has no testlens/fileSummary; the status-bar item stays hidden');
      } else {
        output.appendLine(`testlens: testlens/fileSummary failed: ${errorMessage(err)}`);
      }
      this.item.hide();
      return;
    }
    if (generation !== this.generation) {
      return; // another file became active meanwhile
    }
    if (!s) {
      this.item.hide();
      return;
    }
    const parts = [s.coverage === null ? 'no coverage' : `${Math.round(s.coverage)}%`];
    if (s.flaky > 0) {
      parts.push(`${s.flaky} flaky`);
    }
    if (s.broken > 0) {
      parts.push(`${s.broken} broken`);
    }
    this.item.text = `$(beaker) ${parts.join(' · ')}`;
    this.item.tooltip = new vscode.MarkdownString(
      [
        `**testlens**: ${vscode.workspace.asRelativePath(doc.uri)}`,
        '',
        s.coverage === null
          ? '- coverage: unknown (no coverage report ingested for this file)'
          : `- ${s.coverage.toFixed(1)}% of executable lines covered`,
        `- ${s.tests} test(s) in the history`,
        `- ${s.flaky} flaky, ${s.broken} broken`,
      ].join('\n'),
    );
    this.item.command = s.coverage === null ? 'testlens.ingest' : undefined;
    this.item.backgroundColor =
      s.broken > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.item.dispose();
    this.subscriptions.forEach((d) => d.dispose());
  }
}
