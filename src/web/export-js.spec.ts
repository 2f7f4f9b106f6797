// The export status page is drawn twice by the same rules: by the server (src/web/export-page.ts)
// and, while it polls, by the page's script (templates/web/assets/export-progress.js). The script
// is run as it is, in a fresh V8 context without a DOM (it then only defines its global), and
// must give exactly the server's view for every kind of state an export can be in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { EXPORT_JOB_STATES } from '../exports/export-job.entity.js';
import { webDir } from './assets.js';
import { type ExportProgress, type ExportView, exportView } from './export-page.js';
import { loadDictionaries } from '../i18n/page-dictionary.js';

function loadBrowserView(): (job: ExportProgress) => ExportView {
  const code = readFileSync(join(webDir(), 'assets', 'export-progress.js'), 'utf8');
  const sandbox: { ScorecardExport?: { view: (job: ExportProgress) => ExportView } } = {};
  runInNewContext(code, sandbox, { filename: 'export-progress.js' });
  if (!sandbox.ScorecardExport) throw new Error('export-progress.js defined no ScorecardExport');
  return sandbox.ScorecardExport.view;
}

// Every state with: nothing in it, nothing done yet, some done, some failed, all failed, all done.
const CASES: ExportProgress[] = EXPORT_JOB_STATES.flatMap((state) =>
  [
    [0, 0, 0],
    [5, 0, 0],
    [5, 2, 0],
    [5, 2, 1],
    [5, 0, 5],
    [5, 5, 0],
    [5, 4, 1],
  ].map(([total, done, failed]) => ({ state, total, done, failed })),
);

describe('export page script (templates/web/assets/export-progress.js)', () => {
  const browserView = loadBrowserView();

  it.each(CASES.map((c) => [`${c.state} ${c.done}+${c.failed} of ${c.total}`, c] as const))('draws %s as the server does', (_label, job) => {
    // Through JSON: objects from the other V8 context have another Object prototype.
    expect(JSON.parse(JSON.stringify(browserView(job)))).toEqual(exportView(job));
  });

  it('says finished only for done and failed, and offers the zip only when it holds a scorecard', () => {
    expect(exportView({ state: 'running', total: 3, done: 3, failed: 0 })).toMatchObject({ finished: false, ready: false, retryable: false });
    expect(exportView({ state: 'done', total: 3, done: 2, failed: 1 })).toMatchObject({
      finished: true,
      ready: true,
      retryable: true,
      failedNote: { key: 'someFailed', vars: { n: 1 } },
    });
    // Failed ones can be queued again once the export has finished, not while it still runs.
    expect(exportView({ state: 'running', total: 3, done: 1, failed: 1 })).toMatchObject({ retryable: false });
    expect(exportView({ state: 'done', total: 3, done: 3, failed: 0 })).toMatchObject({ retryable: false });
    expect(exportView({ state: 'done', total: 0, done: 0, failed: 0 })).toMatchObject({
      finished: true,
      ready: false,
      max: 1,
      value: 1,
      message: { key: 'stateEmpty' },
    });
    expect(exportView({ state: 'failed', total: 2, done: 0, failed: 2 })).toMatchObject({
      finished: true,
      ready: false,
      retryable: true,
      tone: 'alert',
      failedNote: null,
      message: { key: 'stateFailed' },
    });
  });

  it('names only texts that exist in both languages', () => {
    const dictionaries = loadDictionaries(join(webDir(), 'i18n'));
    const keys = new Set(CASES.flatMap((c) => [exportView(c).message.key, exportView(c).failedNote?.key ?? 'counts']));
    for (const lang of ['zh-CN', 'en'] as const) {
      expect([...keys].filter((k) => !Object.hasOwn(dictionaries[lang], `export.${k}`))).toEqual([]);
    }
  });
});
