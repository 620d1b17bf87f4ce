export * from './types';
export { normalizeReplayId } from './rows';
export { annotateReplay, annotateReplayOfCall, listReplays, loadReplay, recordReplay } from './replays';
export {
  collectFailures,
  summarizeFailures,
  TOOL_CALL_PHASE,
  type FailureDataset,
  type FailureItem,
  type FailureSummary,
} from './failures';
export { writeLearnings, type WrittenLearnings } from './learningsFile';
export { reflect, type Reflection } from './reflect';
