// What the export status page shows for an export's state and counts. The page's script
// (templates/web/assets/export-progress.js) redraws the page from the same rules while it polls,
// so the first render without JavaScript and every update with it say the same thing;
// src/web/export-js.spec.ts runs that script against this file to keep the two equal.
import type { Actor } from '../common/actor.js';
import type { ExportDto } from '../exports/dto/export.dto.js';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

export type ExportProgress = Pick<ExportDto, 'state' | 'total' | 'done' | 'failed'>;

/** A text of the `export.` dictionary section and its placeholders. */
export interface ExportText {
  key: string;
  vars: Record<string, number>;
}

export interface ExportView {
  /** Scorecards done with, printed or not. */
  processed: number;
  /** For <progress>: an export of nothing is a full bar, not an empty one that never moves. */
  max: number;
  value: number;
  /** No more change will come: stop polling, drop the refresh link. */
  finished: boolean;
  /** There is a zip worth downloading. */
  ready: boolean;
  /** Finished with scorecards that could not be printed: they can be queued again. */
  retryable: boolean;
  /** How the state line looks: a failure must not read like progress. */
  tone: 'alert' | 'notice' | 'plain';
  message: ExportText;
  /** Scorecards that could not be printed, while the rest still can be downloaded. */
  failedNote: ExportText | null;
}

export function exportView(job: ExportProgress): ExportView {
  const processed = job.done + job.failed;
  const finished = job.state === 'done' || job.state === 'failed';
  const ready = job.state === 'done' && job.done > 0;
  let message: ExportText;
  if (job.state === 'queued') message = { key: 'stateQueued', vars: {} };
  else if (job.state === 'running') message = { key: 'stateRunning', vars: {} };
  else if (job.state === 'failed') message = { key: 'stateFailed', vars: { total: job.total } };
  else if (job.total === 0) message = { key: 'stateEmpty', vars: {} };
  else if (job.failed > 0) message = { key: 'stateReadyPartial', vars: { done: job.done, total: job.total } };
  else message = { key: 'stateReady', vars: { n: job.done } };
  return {
    processed,
    max: job.total > 0 ? job.total : 1,
    value: job.total > 0 ? Math.min(processed, job.total) : 1,
    finished,
    ready,
    retryable: finished && job.failed > 0,
    tone: job.state === 'failed' ? 'alert' : ready ? 'notice' : 'plain',
    message,
    // A failed export says so as a whole; the count would only repeat it.
    failedNote: job.failed > 0 && job.state !== 'failed' ? { key: 'someFailed', vars: { n: job.failed } } : null,
  };
}

export interface ExportPage {
  job: ExportDto;
  cycle: { id: string; name: string };
  view: ExportView;
  stateText: string;
  countsText: string;
  failedText: string | null;
  downloadUrl: string;
  retryUrl: string;
  back: { href: string; label: string };
}

/** The status page's model: the view in the reader's words, and the way back to where exports start. */
export function exportPage(job: ExportDto, cycle: { id: string; name: string }, role: Actor['role'], t: Translate): ExportPage {
  const view = exportView(job);
  const say = (text: ExportText) => t(`export.${text.key}`, text.vars);
  return {
    job,
    cycle,
    view,
    stateText: say(view.message),
    countsText: t('export.counts', { processed: view.processed, total: job.total }),
    failedText: view.failedNote ? say(view.failedNote) : null,
    // The API's download: the same cookie signs it, and it keeps the service's scope rules.
    downloadUrl: `/api/exports/${job.id}/download`,
    retryUrl: `/exports/${job.id}/retry-failed`,
    back:
      role === 'manager'
        ? { href: `/team?cycleId=${cycle.id}`, label: t('export.backTeam') }
        : { href: `/?cycleId=${cycle.id}`, label: t('export.backDashboard') },
  };
}
