/**
 * The root-cause classifier: weighs what triggers, changes, drift across steps and the agent's
 * reported errors say about each category (see `weights.ts` for how much each fact counts), turns
 * the scores into confidences, and names the change most likely to have set the failure off.
 *
 * The helpers exported beside the classifier are the ones remediation and post-mortem drafting
 * read errors and config values with, so both describe a failure the way the classifier saw it.
 */
export { classifyRootCause, suspectTriggeringChange } from './classify';
export { displayValue, isSecretKey, quantity } from './configValues';
export { namedConfigLines, namedDataLines } from './changedLines';
export { indexChanges } from './changeIndex';
export { describeTrend, sizeTrends } from './drift';
export type { ClassifyInput } from './input';
export { restoreFrom, startOf, windowStart } from './input';
export { namedConfigKeys } from './namedKeys';
export { mentionsPath } from './textMatch';
export { errorMessage, errorTriggers, firstFailure, innermostWorkspaceFrame, triggerText } from './triggers';
