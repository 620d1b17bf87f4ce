import { analyzeSinceBaseline } from './analyzeSinceBaseline';
import type { Command } from './command';
import { checkStore } from './checkStore';
import { compareSnapshots } from './compareSnapshots';
import { compareWithBaseline } from './compareWithBaseline';
import { copyStorePath } from './copyStorePath';
import { deleteSnapshot } from './deleteSnapshot';
import { exportIncidentReport } from './exportIncidentReport';
import { ignoreTrigger } from './ignoreTrigger';
import { openIncident } from './openIncident';
import { openIncidentChanges } from './openIncidentChanges';
import { pruneSnapshots } from './pruneSnapshots';
import { refreshViews } from './refreshViews';
import { resolveIncident } from './resolveIncident';
import { restoreFileFromSnapshot } from './restoreFile';
import { runAgentTool } from './runAgentTool';
import { setBaseline } from './setBaseline';
import { showOutput } from './showOutput';
import { takeSnapshot } from './takeSnapshot';
import { toggleRecording } from './toggleRecording';

/** Every command the extension contributes (a test holds this list and package.json together). */
export const COMMANDS: readonly Command[] = [
  takeSnapshot,
  setBaseline,
  compareSnapshots,
  compareWithBaseline,
  restoreFileFromSnapshot,
  pruneSnapshots,
  deleteSnapshot,
  checkStore,
  analyzeSinceBaseline,
  openIncident,
  openIncidentChanges,
  resolveIncident,
  exportIncidentReport,
  showOutput,
  copyStorePath,
  refreshViews,
  ignoreTrigger,
  toggleRecording,
  runAgentTool,
];
