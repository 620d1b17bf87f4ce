/**
 * Every command id the extension contributes (package.json's `contributes.commands`), apart from
 * the commands themselves: a view, a quick fix or a status bar item that needs an id imports this
 * module, never the command. Each key is the id without its `incidentReplay.` prefix.
 */
export const COMMAND_IDS = {
  takeSnapshot: 'incidentReplay.takeSnapshot',
  setBaseline: 'incidentReplay.setBaseline',
  compareSnapshots: 'incidentReplay.compareSnapshots',
  compareWithBaseline: 'incidentReplay.compareWithBaseline',
  restoreFileFromSnapshot: 'incidentReplay.restoreFileFromSnapshot',
  pruneSnapshots: 'incidentReplay.pruneSnapshots',
  deleteSnapshot: 'incidentReplay.deleteSnapshot',
  checkStore: 'incidentReplay.checkStore',
  analyzeSinceBaseline: 'incidentReplay.analyzeSinceBaseline',
  openIncident: 'incidentReplay.openIncident',
  openIncidentChanges: 'incidentReplay.openIncidentChanges',
  resolveIncident: 'incidentReplay.resolveIncident',
  exportIncidentReport: 'incidentReplay.exportIncidentReport',
  showOutput: 'incidentReplay.showOutput',
  copyStorePath: 'incidentReplay.copyStorePath',
  refreshViews: 'incidentReplay.refreshViews',
  ignoreTrigger: 'incidentReplay.ignoreTrigger',
  toggleRecording: 'incidentReplay.toggleRecording',
  runAgentTool: 'incidentReplay.runAgentTool',
} as const;

export type CommandId = (typeof COMMAND_IDS)[keyof typeof COMMAND_IDS];

/**
 * Context keys the extension sets, for `when` clauses in package.json (a test checks that every
 * key a clause names is one of these).
 */
export const CONTEXT_KEYS = {
  /** `vscode.lm.invokeTool` exists (VS Code 1.95+): "Run Agent Tool…" is offered in the palette. */
  agentToolsAvailable: 'incidentReplay.agentToolsAvailable',
} as const;
