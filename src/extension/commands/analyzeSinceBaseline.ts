import * as vscode from '../vscodeApi';
import { openIncidentChanges } from '../diffs/openDiff';
import { analyzeFolder, type AnalysisOutcome } from '../operations/analysis';
import { exportIncidentReport } from '../operations/incidents';
import { plural } from '../../model/format';
import { reportError } from '../services/errors';
import type { WorkspaceServices } from '../services/workspace';
import { isString, optionOf, targetOf } from './args';
import type { Command } from './command';
import { pickFolder } from './pickers';
import { COMMAND_IDS } from './ids';

/**
 * Snapshot now, analyse everything since the baseline, record the incident, fill the Problems
 * panel and open the incident; then offer its changes and its report.
 */
export const analyzeSinceBaseline: Command = {
  id: COMMAND_IDS.analyzeSinceBaseline,
  title: 'Analyze Since Baseline',
  async run(services, arg) {
    const folder = await pickFolder(services, targetOf(arg), 'Analyze Since Baseline');
    if (!folder) return undefined;
    const title = optionOf(arg, 'title', isString);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Incident Replay: analysing ${folder.name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await analyzeFolder(services, folder, {
            signal: abort.signal,
            onStep: (message) => progress.report({ message }),
            ...(title ? { title } : {}),
          });
        } finally {
          cancel.dispose();
        }
      },
    );
    await present(services, folder, outcome);
    return outcome.kind === 'incident'
      ? { incidentId: outcome.incident.id, severity: outcome.incident.severity }
      : { incidentId: null, outcome: outcome.kind };
  },
};

async function present(services: WorkspaceServices, folder: vscode.WorkspaceFolder, outcome: AnalysisOutcome): Promise<void> {
  switch (outcome.kind) {
    case 'no-baseline': {
      const take = 'Take Baseline Snapshot';
      const choice = await vscode.window.showInformationMessage(
        `Incident Replay: ${folder.name} has no baseline yet. An analysis compares the workspace with a known-good snapshot, the baseline: take one now, let the agent or job run, then analyse.`,
        take,
      );
      if (choice === take)
        await vscode.commands.executeCommand(COMMAND_IDS.takeSnapshot, {
          folder: folder.uri.toString(),
          label: 'baseline',
          baseline: true,
        });
      return;
    }
    case 'clean':
      void vscode.window.showInformationMessage(
        `Incident Replay: nothing flagged in ${folder.name} since the baseline (${plural(outcome.changes, 'file')} changed); no incident recorded.`,
      );
      return;
    case 'incident': {
      const inc = outcome.incident;
      await services.showIncident(folder, inc.id);
      const changes = 'Open Changes';
      const report = 'Export Report';
      const rc = inc.rootCause;
      // Not awaited: the notification stays while the user reads the incident.
      void vscode.window
        .showWarningMessage(
          `Incident Replay: ${inc.id} (${inc.severity}): ${inc.title}. Root cause: ${rc.category} (${Math.round(rc.confidence * 100)}%), ${plural(inc.triggers.length, 'trigger')} in the Problems panel.`,
          changes,
          report,
        )
        .then(async (choice) => {
          if (choice === changes) await openIncidentChanges(services, folder, inc.id);
          if (choice === report) await exportIncidentReport(services, folder, inc.id);
        })
        .then(undefined, (err: unknown) => reportError(services.log, services.engine.ifLoaded(), analyzeSinceBaseline.title, err));
      return;
    }
  }
}
